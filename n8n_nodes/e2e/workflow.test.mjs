// End to end: the pinned n8n, our package installed as users install it (user folder
// .n8n/nodes/node_modules, loaded through its "n8n" section), the test copy of example
// workflow (1) run headless against a real connector in sandbox mode.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { freePort, startFacade } from './lib/facade.mjs';
import { ensureN8n, makeUserFolder, n8nEnv, nodeOutput, parseExecuteOutput, runN8n } from './lib/n8n.mjs';
import { testCopyOfWorkflow1 } from './lib/testCopy.mjs';

const TRANSCRIPT = [
	'Alice: Thanks for joining, Bob. Let us go over the pilot.',
	'Bob: Sure. We need the onboarding plan before we sign.',
	'Alice: Can you send me the list of users by Friday?',
	'Bob: Yes, I will send the user list by Friday.',
	'Alice: What budget do you have for the pilot?',
	'Bob: Our budget is about $20,000 for the pilot year.',
	'Bob: Our CFO Carol has to sign off on the purchase.',
	'Alice: Then the next step is a pricing review with Carol on Tuesday.',
].join('\n');

const FLAT_KEYS = Object.keys((await import('../test/fixtures/flat-sample.json', { with: { type: 'json' } })).default);

let facade;
let env;
let userFolder;

async function n8n(args) {
	const result = await runN8n(args, env);
	if (result.code !== 0) {
		throw new Error(`n8n ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}\n--- facade log ---\n${facade.log()}`);
	}
	return result;
}

function importCredentials(apiKey, file) {
	writeFileSync(
		file,
		JSON.stringify([
			{ id: 'symblConnector01', name: 'Symbl Connector', type: 'symblConnectorApi', data: { url: facade.url, apiKey } },
		]),
	);
	return n8n(['import:credentials', `--input=${file}`]);
}

before(async () => {
	ensureN8n();
	facade = await startFacade();
	({ userFolder } = makeUserFolder());
	env = n8nEnv(userFolder, await freePort());
	await importCredentials(facade.apiKey, path.join(userFolder, 'credentials.json'));
	const workflowFile = path.join(userFolder, 'workflow-1-test-copy.json');
	writeFileSync(workflowFile, JSON.stringify(testCopyOfWorkflow1({ transcript: TRANSCRIPT, title: 'Pilot call with Bob' })));
	await n8n(['import:workflow', `--input=${workflowFile}`]);
});

after(async () => {
	await facade?.stop();
});

test('workflow (1) runs headless and yields the flat insights for Slack and the CRM', async () => {
	const { stdout } = await n8n(['execute', '--id=e2eTranscriptToCrm', '--rawOutput']);
	const run = parseExecuteOutput(stdout);

	const [flat, ...extra] = nodeOutput(run, 'Symbl: Process');
	assert.equal(extra.length, 0, 'one item per conversation');
	assert.deepEqual(Object.keys(flat).sort(), [...FLAT_KEYS].sort(), 'exactly the FlatInsights fields');
	assert.match(flat.conversation_id, /^\d{16}$/);
	assert.equal(flat.status, 'completed');
	assert.equal(flat.name, 'Pilot call with Bob');
	assert.ok(flat.summary.length > 0, 'summary');
	assert.ok(flat.slack_text.length > 0, 'slack_text');
	assert.ok(flat.crm_note.length > 0, 'crm_note');
	assert.ok(Array.isArray(flat.action_items) && flat.action_items.length > 0, 'action_items');
	assert.equal(flat.action_item_count, flat.action_items.length);
	for (const item of flat.action_items) {
		assert.deepEqual(Object.keys(item).sort(), ['assignee', 'assignee_email', 'due', 'score', 'text']);
		assert.ok(item.text.length > 0);
	}
	assert.match(flat.speakers, /Alice/);

	// Call Score, the typed answers and the summary page, as the workflow's Process options ask.
	assert.ok(Number.isInteger(flat.call_score) && flat.call_score >= 0 && flat.call_score <= 100, `call_score ${flat.call_score}`);
	assert.ok(flat.call_score_criteria.length > 0 && flat.call_score_text.length > 0, 'call score criteria');
	assert.deepEqual(Object.keys(flat.answers).sort(), ['budget', 'decision_maker', 'next_step']);
	assert.equal(flat.answers.budget, 20000, 'a number field comes back as a number');
	assert.match(flat.answers.decision_maker, /Carol/);
	assert.match(flat.summary_url, /^https?:\/\/\S+\/meeting\//);
	assert.ok(flat.slack_text.includes(flat.summary_url) && flat.crm_note.includes(`${flat.call_score}/100`), 'score and link in the messages');
	assert.deepEqual(nodeOutput(run, 'HubSpot: Update Deal'), [flat], 'the deal update maps the same item');

	// The stubbed Slack and CRM steps received exactly what they would map.
	assert.equal(nodeOutput(run, 'Post to Slack')[0].slack_text, flat.slack_text);
	assert.equal(nodeOutput(run, 'HubSpot: Add Note')[0].crm_note, flat.crm_note);
	const tasks = nodeOutput(run, 'HubSpot: Add Task');
	assert.equal(tasks.length, flat.action_item_count, 'one CRM task per action item');
	assert.deepEqual(tasks, flat.action_items, 'each task gets one action item: text, assignee, due ...');
});

test("a wrong API key fails the run with the facade's own message", async () => {
	await importCredentials('not-a-valid-key', path.join(userFolder, 'credentials-bad.json'));
	const result = await runN8n(['execute', '--id=e2eTranscriptToCrm', '--rawOutput'], env);
	assert.notEqual(result.code, 0);
	const output = `${result.stdout}\n${result.stderr}`;
	const body = await (await fetch(`${facade.url}/v1/me`, { headers: { Authorization: 'Bearer not-a-valid-key' } })).json();
	assert.ok(body.error?.message, 'the facade answers 401 with error.message');
	assert.ok(output.includes(body.error.message), `n8n output should carry "${body.error.message}":\n${output.slice(-3000)}`);
	await importCredentials(facade.apiKey, path.join(userFolder, 'credentials.json'));
});
