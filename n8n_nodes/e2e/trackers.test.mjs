// End to end for saved trackers: Tracker → Create or Update, then Conversation → Process with
// the tracker picked under "Saved Tracker Names or IDs", run headless by the pinned n8n against a
// real connector in sandbox mode; a second run leaves the tracker unchanged.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { freePort, startFacade } from './lib/facade.mjs';
import { ensureN8n, makeUserFolder, n8nEnv, nodeOutput, parseExecuteOutput, runN8n } from './lib/n8n.mjs';

const NAME = `n8n renewal ${Date.now()}`;
const CREDENTIALS = { symblConnectorApi: { id: 'symblConnector01', name: 'Symbl Connector' } };

const workflow = (packageName) => ({
	id: 'e2eSavedTrackers',
	name: 'E2E saved trackers',
	active: false,
	settings: { executionOrder: 'v1' },
	nodes: [
		{ id: 'n1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: 'n2',
			name: 'Save Tracker',
			type: `${packageName}.symbl`,
			typeVersion: 1,
			position: [300, 0],
			credentials: CREDENTIALS,
			parameters: { resource: 'tracker', operation: 'createOrUpdate', name: NAME, vocabulary: 'renewal, cancel the contract' },
		},
		{
			id: 'n3',
			name: 'Process',
			type: `${packageName}.symbl`,
			typeVersion: 1,
			position: [600, 0],
			credentials: CREDENTIALS,
			parameters: {
				resource: 'conversation',
				operation: 'process',
				inputType: 'transcript',
				transcript: 'Alice: Shall we talk about the renewal?\nBob: Yes, the renewal is due in May.',
				waitForCompletion: true,
				maxWaitSeconds: 60,
				options: { trackerNames: [NAME] },
			},
		},
	],
	connections: {
		Start: { main: [[{ node: 'Save Tracker', type: 'main', index: 0 }]] },
		'Save Tracker': { main: [[{ node: 'Process', type: 'main', index: 0 }]] },
	},
});

let facade;
let env;

async function n8n(args) {
	const result = await runN8n(args, env);
	if (result.code !== 0) {
		throw new Error(`n8n ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}\n--- facade log ---\n${facade.log()}`);
	}
	return result;
}

before(async () => {
	ensureN8n();
	facade = await startFacade();
	const { userFolder, packageName } = makeUserFolder();
	env = n8nEnv(userFolder, await freePort());
	const credentialsFile = path.join(userFolder, 'credentials.json');
	writeFileSync(
		credentialsFile,
		JSON.stringify([{ ...CREDENTIALS.symblConnectorApi, type: 'symblConnectorApi', data: { url: facade.url, apiKey: facade.apiKey } }]),
	);
	await n8n(['import:credentials', `--input=${credentialsFile}`]);
	const workflowFile = path.join(userFolder, 'workflow-trackers.json');
	writeFileSync(workflowFile, JSON.stringify(workflow(packageName)));
	await n8n(['import:workflow', `--input=${workflowFile}`]);
});

after(async () => {
	await facade?.stop();
});

test('Create or Update saves the tracker and Process applies it by name; a re-run changes nothing', async () => {
	const first = parseExecuteOutput((await n8n(['execute', '--id=e2eSavedTrackers', '--rawOutput'])).stdout);
	const [saved] = nodeOutput(first, 'Save Tracker');
	assert.deepEqual(saved, {
		id: saved.id,
		name: NAME,
		vocabulary: ['renewal', 'cancel the contract'],
		action: 'created',
		changed: true,
	});
	assert.ok(saved.id, 'the tracker ID');
	const [flat] = nodeOutput(first, 'Process');
	assert.equal(flat.status, 'completed');
	const hit = flat.trackers.find((tracker) => tracker.name === NAME);
	assert.ok(hit && hit.count >= 1, `a hit of "${NAME}" in ${JSON.stringify(flat.trackers)}`);

	const second = parseExecuteOutput((await n8n(['execute', '--id=e2eSavedTrackers', '--rawOutput'])).stdout);
	const [again] = nodeOutput(second, 'Save Tracker');
	assert.equal(again.id, saved.id);
	assert.equal(again.action, 'unchanged');
	assert.equal(again.changed, false);
});
