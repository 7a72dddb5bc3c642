// End to end: Batch → Process run headless (`n8n execute`) against a real connector in sandbox
// mode, two input items from a Split Out node: one output item per input item with its flat
// insights, and the CSV report as n8n binary data.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { freePort, startFacade } from './lib/facade.mjs';
import { ensureN8n, makeUserFolder, n8nEnv, parseExecuteOutput, runN8n } from './lib/n8n.mjs';

const PKG = 'n8n-nodes-symbl-connector';
const ROWS = [
	{ id: 'rec-a', title: 'Call A', transcript: 'Alice: Please send the contract by Monday.\nBob: I will send it Monday.' },
	{ id: 'rec-b', title: 'Call B', transcript: 'Carol: What is the budget?\nDan: Around ten thousand dollars.' },
];

let facade;
let env;

function batchNode(name, position, extra) {
	return {
		id: name.replace(/\W/g, ''),
		name,
		type: `${PKG}.symbl`,
		typeVersion: 1,
		position,
		parameters: {
			resource: 'batch',
			operation: 'process',
			batchInputType: 'transcript',
			transcript: '={{ $json.transcript }}',
			name: '={{ $json.title }}',
			key: '={{ $json.id }}',
			waitForCompletion: true,
			maxWaitSeconds: 120,
			options: {},
			...extra,
		},
		credentials: { symblConnectorApi: { id: 'symblConnector01', name: 'Symbl Connector' } },
	};
}

const workflow = {
	id: 'e2eSymblBatch',
	name: 'Symbl batch e2e',
	nodes: [
		{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: 'rows',
			name: 'Rows',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [200, 0],
			parameters: { mode: 'raw', jsonOutput: JSON.stringify({ rows: ROWS }), options: {} },
		},
		{ id: 'split', name: 'Split Rows', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [400, 0], parameters: { fieldToSplitOut: 'rows', options: {} } },
		batchNode('Batch: Items', [600, -100], { output: 'items' }),
		batchNode('Batch: CSV', [600, 100], { output: 'csv', binaryPropertyName: 'report' }),
	],
	connections: {
		Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
		Rows: { main: [[{ node: 'Split Rows', type: 'main', index: 0 }]] },
		'Split Rows': { main: [[{ node: 'Batch: Items', type: 'main', index: 0 }, { node: 'Batch: CSV', type: 'main', index: 0 }]] },
	},
	settings: { executionOrder: 'v1' },
};

async function n8n(args) {
	const result = await runN8n(args, env);
	if (result.code !== 0) throw new Error(`n8n ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}\n--- facade log ---\n${facade.log()}`);
	return result;
}

before(async () => {
	ensureN8n();
	facade = await startFacade();
	const { userFolder } = makeUserFolder();
	env = { ...n8nEnv(userFolder, await freePort()), N8N_DEFAULT_BINARY_DATA_MODE: 'default' };
	const credsFile = path.join(userFolder, 'credentials.json');
	writeFileSync(credsFile, JSON.stringify([{ id: 'symblConnector01', name: 'Symbl Connector', type: 'symblConnectorApi', data: { url: facade.url, apiKey: facade.apiKey } }]));
	await n8n(['import:credentials', `--input=${credsFile}`]);
	const file = path.join(userFolder, 'batch.json');
	writeFileSync(file, JSON.stringify(workflow));
	await n8n(['import:workflow', `--input=${file}`]);
});

after(async () => {
	await facade?.stop();
});

test('Batch → Process: one paired item of flat insights per input item, and the CSV report as binary data', async () => {
	const { stdout } = await n8n(['execute', '--id=e2eSymblBatch', '--rawOutput']);
	const run = parseExecuteOutput(stdout);
	const items = run.data.resultData.runData['Batch: Items'][0].data.main[0];
	assert.equal(items.length, ROWS.length);
	items.forEach((item, i) => {
		assert.deepEqual(item.pairedItem, { item: i });
		assert.equal(item.json.key, ROWS[i].id);
		assert.equal(item.json.name, ROWS[i].title);
		assert.equal(item.json.status, 'completed');
		assert.ok(item.json.summary.length > 0, 'summary');
		assert.ok(item.json.batch_id);
	});
	assert.equal(items[0].json.batch_id, items[1].json.batch_id, 'one batch for all input items');

	const [report, ...more] = run.data.resultData.runData['Batch: CSV'][0].data.main[0];
	assert.equal(more.length, 0, 'one item for the whole batch');
	assert.equal(report.json.batch_status, 'completed');
	const file = report.binary.report;
	assert.equal(file.mimeType, 'text/csv');
	assert.match(file.fileName, /\.csv$/);
	const lines = Buffer.from(file.data, 'base64').toString('utf8').trim().split(/\r?\n/);
	assert.match(lines[0], /^conversation_id,job_id,status,name/);
	// Quoted fields may span lines (summaries): count the rows by their leading conversation ID.
	const rows = lines.filter((line) => /^\d{16},/.test(line));
	assert.deepEqual(rows.map((line) => line.split(',')[0]).sort(), items.map((item) => item.json.conversation_id).sort());
	assert.ok(lines.some((line) => line.includes('Call A')) && lines.some((line) => line.includes('Call B')));
});
