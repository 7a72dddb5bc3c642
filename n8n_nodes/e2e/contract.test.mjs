// The nodes' documented output (nodes/*/__schema__, generated from the contract) must match the
// flat model the live facade publishes: components.schemas.FlatInsights in GET /openapi.json.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { startFacade } from './lib/facade.mjs';
import { packageRoot } from './lib/n8n.mjs';

const DOCUMENTED = [
	'nodes/Symbl/__schema__/v1.0.0/conversation/process.json',
	'nodes/Symbl/__schema__/v1.0.0/conversation/append.json',
	'nodes/Symbl/__schema__/v1.0.0/conversation/getInsights.json',
	'nodes/SymblTrigger/__schema__/v1.0.0/output.json',
];

/** Reduce a schema to what we document: type, title, description, enum, and nested fields. */
function shape(node, components) {
	if (node.$ref) node = { ...components[node.$ref.split('/').pop()], ...node, $ref: undefined };
	if (node.allOf && node.allOf.length === 1) node = { ...shape(node.allOf[0], components), ...node, allOf: undefined };
	// `int | None` is anyOf [{type: integer}, {type: null}] in OpenAPI, a type list in our schemas.
	if (node.anyOf && node.anyOf.every((option) => Object.keys(option).join() === 'type')) {
		node = { ...node, type: node.anyOf.map((option) => option.type), anyOf: undefined };
	}
	const out = {};
	for (const key of ['type', 'title', 'description', 'enum']) if (node[key] !== undefined) out[key] = node[key];
	if (node.items) out.items = shape(node.items, components);
	if (node.properties) {
		out.type = 'object';
		out.properties = Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, shape(v, components)]));
	}
	return out;
}

function drift(expected, actual, where = 'FlatInsights') {
	const problems = [];
	for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
		if (key === 'properties' || key === 'items') continue;
		if (JSON.stringify(expected[key]) !== JSON.stringify(actual[key])) {
			problems.push(`${where}.${key}: documented ${JSON.stringify(expected[key])}, facade ${JSON.stringify(actual[key])}`);
		}
	}
	if (expected.items || actual.items) problems.push(...drift(expected.items ?? {}, actual.items ?? {}, `${where}[]`));
	const names = new Set([...Object.keys(expected.properties ?? {}), ...Object.keys(actual.properties ?? {})]);
	for (const name of names) {
		const e = expected.properties?.[name];
		const a = actual.properties?.[name];
		if (!e) problems.push(`${where}.${name}: in the facade, not documented`);
		else if (!a) problems.push(`${where}.${name}: documented, not in the facade`);
		else problems.push(...drift(e, a, `${where}.${name}`));
	}
	return problems;
}

let facade;
before(async () => {
	facade = await startFacade();
});
after(async () => {
	await facade?.stop();
});

test("documented output fields match the facade's FlatInsights in /openapi.json", async () => {
	const response = await fetch(`${facade.url}/openapi.json`);
	assert.equal(response.status, 200);
	const openapi = await response.json();
	const components = openapi.components?.schemas ?? {};
	assert.ok(components.FlatInsights, 'components.schemas.FlatInsights is missing from /openapi.json');
	const live = shape(components.FlatInsights, components);
	for (const file of DOCUMENTED) {
		const documented = shape(JSON.parse(readFileSync(path.join(packageRoot, file), 'utf8')), {});
		delete documented.title;
		delete live.title;
		const problems = drift(documented, live);
		assert.deepEqual(problems, [], `${file} drifted from the facade; run scripts/generate_output_schema.py:\n${problems.join('\n')}`);
	}
});

test("Conversation → Ask's documented output matches the facade's AskAnswer in /openapi.json", async () => {
	const openapi = await (await fetch(`${facade.url}/openapi.json`)).json();
	const components = openapi.components?.schemas ?? {};
	assert.ok(components.AskAnswer, 'components.schemas.AskAnswer is missing from /openapi.json');
	const live = shape(components.AskAnswer, components);
	const file = 'nodes/Symbl/__schema__/v1.0.0/conversation/ask.json';
	const documented = shape(JSON.parse(readFileSync(path.join(packageRoot, file), 'utf8')), {});
	for (const key of ['title', 'description']) {
		delete documented[key];
		delete live[key];
	}
	const problems = drift(documented, live, 'AskAnswer');
	assert.deepEqual(problems, [], `${file} drifted from the facade; run scripts/generate_output_schema.py:\n${problems.join('\n')}`);
});
