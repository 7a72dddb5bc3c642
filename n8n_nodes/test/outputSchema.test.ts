/**
 * The output schemas n8n shows are one generated document (scripts/generate_output_schema.py);
 * e2e/contract.test.mjs checks that document against the live facade's /openapi.json.
 */
import appendSchema from '../nodes/Symbl/__schema__/v1.0.0/conversation/append.json';
import askSchema from '../nodes/Symbl/__schema__/v1.0.0/conversation/ask.json';
import getInsightsSchema from '../nodes/Symbl/__schema__/v1.0.0/conversation/getInsights.json';
import processSchema from '../nodes/Symbl/__schema__/v1.0.0/conversation/process.json';
import triggerSchema from '../nodes/SymblTrigger/__schema__/v1.0.0/output.json';
import flatSample from './fixtures/flat-sample.json';

describe('output schema', () => {
	const schemas = [processSchema, appendSchema, getInsightsSchema, triggerSchema];

	it('is the same flat schema for every operation that outputs flat insights', () => {
		for (const schema of schemas) expect(schema).toEqual(schemas[0]);
	});

	it('documents exactly the keys of the contract sample', () => {
		expect(Object.keys(schemas[0].properties).sort()).toEqual(Object.keys(flatSample).sort());
	});

	it('documents every field with a title', () => {
		for (const [name, property] of Object.entries<{ title?: string }>(schemas[0].properties)) {
			expect([name, property.title]).toEqual([name, expect.any(String)]);
		}
	});

	it('types a score that may be missing as a number or null, as n8n\'s own schemas do', () => {
		expect(schemas[0].properties.call_score.type).toEqual(['integer', 'null']);
	});

	it('documents Conversation → Ask: the fixed keys, and one extra key per requested field', () => {
		expect(Object.keys(askSchema.properties)).toEqual(['conversation_id', 'question', 'answer', 'warnings']);
		expect(askSchema.additionalProperties.type).toEqual(['string', 'number', 'boolean', 'null']);
	});
});
