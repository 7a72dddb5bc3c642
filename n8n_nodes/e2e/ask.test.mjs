// End to end: Conversation → Ask run headless (`n8n execute`) against a real connector in sandbox
// mode (its emulated Nebula answers): Process a sales call, then ask a question and extract typed
// fields about it, the conversation mapped from the Process output as users map it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { freePort, startFacade } from './lib/facade.mjs';
import { ensureN8n, makeUserFolder, n8nEnv, nodeOutput, parseExecuteOutput, runN8n } from './lib/n8n.mjs';

const PKG = 'n8n-nodes-symbl-connector';
const CREDENTIALS = { symblConnectorApi: { id: 'symblConnector01', name: 'Symbl Connector' } };
const TRANSCRIPT = [
	'Maria: Hi Tom, thanks for joining. I am Maria from Brightline.',
	'Tom: Thanks Maria. We want to cut the time our agents spend on call notes.',
	'Maria: What budget have you set aside for this project?',
	'Tom: Our budget is about $80,000 for the first year.',
	'Tom: We are also looking at Globex.',
	'Tom: Security review is a hard requirement for us.',
	'Maria: I will send the proposal with volume pricing by Friday.',
].join('\n');
const ASK_CONVERSATION = { __rl: true, mode: 'id', value: "={{ $('Symbl: Process').item.json.conversation_id }}" };

function symblNode(name, position, parameters) {
	return { id: name.replace(/\W/g, ''), name, type: `${PKG}.symbl`, typeVersion: 1, position, parameters, credentials: CREDENTIALS };
}

const workflow = {
	id: 'e2eSymblAsk',
	name: 'Symbl ask e2e',
	nodes: [
		{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		symblNode('Symbl: Process', [200, 0], {
			resource: 'conversation',
			operation: 'process',
			inputType: 'transcript',
			transcript: TRANSCRIPT,
			waitForCompletion: true,
			maxWaitSeconds: 120,
			waitMode: 'poll',
			options: { name: 'Brightline discovery call', ask: 'What else are they looking at?' },
		}),
		symblNode('Ask: Question', [400, -100], {
			resource: 'conversation',
			operation: 'ask',
			conversationId: ASK_CONVERSATION,
			askFor: 'question',
			question: 'What budget did the customer name?',
			options: { wait: 10 },
		}),
		symblNode('Ask: Fields', [400, 100], {
			resource: 'conversation',
			operation: 'ask',
			conversationId: ASK_CONVERSATION,
			askFor: 'fields',
			fields: {
				field: [
					{ key: 'budget', description: 'the budget the customer named', type: 'number' },
					{ key: 'competitor', description: 'the competitor they are looking at', type: 'enum', options: 'Globex, Initech' },
					{ key: 'security_review', description: 'security review is a requirement', type: 'boolean' },
					{ key: 'headcount', description: 'sandbox-wrong-type number of agents', type: 'number' },
				],
			},
			options: {},
		}),
	],
	connections: {
		Start: { main: [[{ node: 'Symbl: Process', type: 'main', index: 0 }]] },
		'Symbl: Process': {
			main: [[{ node: 'Ask: Question', type: 'main', index: 0 }, { node: 'Ask: Fields', type: 'main', index: 0 }]],
		},
	},
	settings: { executionOrder: 'v1' },
};

let facade;
let env;

async function n8n(args) {
	const result = await runN8n(args, env);
	if (result.code !== 0) throw new Error(`n8n ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}\n--- facade log ---\n${facade.log()}`);
	return result;
}

before(async () => {
	ensureN8n();
	facade = await startFacade();
	const { userFolder } = makeUserFolder();
	env = n8nEnv(userFolder, await freePort());
	const credsFile = path.join(userFolder, 'credentials.json');
	writeFileSync(credsFile, JSON.stringify([{ id: 'symblConnector01', name: 'Symbl Connector', type: 'symblConnectorApi', data: { url: facade.url, apiKey: facade.apiKey } }]));
	await n8n(['import:credentials', `--input=${credsFile}`]);
	const file = path.join(userFolder, 'ask.json');
	writeFileSync(file, JSON.stringify(workflow));
	await n8n(['import:workflow', `--input=${file}`]);
});

after(async () => {
	await facade?.stop();
});

test('Conversation → Ask: a question gets an answer, fields come back as typed output keys', async () => {
	const { stdout } = await n8n(['execute', '--id=e2eSymblAsk', '--rawOutput']);
	const run = parseExecuteOutput(stdout);

	const [processed] = nodeOutput(run, 'Symbl: Process');
	assert.equal(processed.status, 'completed');
	assert.match(processed.answer, /Globex/, "the Process option's question is answered in the flat insights");

	const [question, ...moreAnswers] = nodeOutput(run, 'Ask: Question');
	assert.equal(moreAnswers.length, 0);
	assert.equal(question.conversation_id, processed.conversation_id);
	assert.equal(question.question, 'What budget did the customer name?');
	assert.match(question.answer, /80,000/);

	const [fields] = nodeOutput(run, 'Ask: Fields');
	assert.equal(fields.conversation_id, processed.conversation_id);
	assert.equal(fields.budget, 80000, 'a number field is a number');
	assert.equal(fields.competitor, 'Globex', 'an enum field is one of its options');
	assert.equal(fields.security_review, true, 'a boolean field is a boolean');
	assert.equal(fields.headcount, null, 'a value of the wrong type is null, never a string');
	assert.deepEqual(
		fields.warnings.map((w) => [w.part, w.code]),
		[['answers.headcount', 'wrong_type']],
	);
	const items = run.data.resultData.runData['Ask: Fields'][0].data.main[0];
	assert.deepEqual(items[0].pairedItem, { item: 0 });
});
