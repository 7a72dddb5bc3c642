/**
 * Conversation → Ask, and the Call Score, summary page and Nebula options on Process and Get
 * Insights (issue 18). The headless run against a real facade is e2e/ask.test.mjs.
 */
import { router } from '../../../nodes/Symbl/actions/router';
import { Symbl } from '../../../nodes/Symbl/Symbl.node';
import { facadeRequest } from '../../../nodes/Symbl/transport';
import { FLAT, ME, ScriptedFacade, facadeError, fakeExecute, ok } from '../../helpers';

jest.mock('../../../nodes/Symbl/transport', () => ({
	...jest.requireActual('../../../nodes/Symbl/transport'),
	facadeRequest: jest.fn(),
}));

const facadeMock = facadeRequest as unknown as jest.Mock;

const ASK = { resource: 'conversation', operation: 'ask', conversationId: { mode: 'id', value: 'c1' }, options: {} };
const FIELDS = {
	field: [
		{ key: 'budget', description: 'the budget the customer named', type: 'number' },
		{ key: 'stage', description: 'the deal stage', type: 'enum', options: 'demo, negotiation' },
		{ key: '', description: '', type: 'string' },
	],
};

beforeEach(() => facadeMock.mockReset());

describe('Conversation → Ask', () => {
	it('asks a question and outputs the answer', async () => {
		const answer = { conversation_id: 'c1', question: 'What budget?', answer: 'About $80,000.', warnings: [] };
		const facade = new ScriptedFacade([['POST /v1/conversations/c1/ask', () => ok(answer)]]);
		facadeMock.mockImplementation(facade.handle);

		const [out] = await router.call(fakeExecute({ params: { ...ASK, askFor: 'question', question: ' What budget? ' } }));

		expect(facade.calls[0].body).toEqual({ question: 'What budget?' });
		expect(out).toEqual([{ json: answer, pairedItem: { item: 0 } }]);
	});

	it('extracts typed fields: one output key per field, enum options as a list, the wait capped', async () => {
		const answer = { conversation_id: 'c1', question: '', answer: '', budget: 80000, stage: null, warnings: [] };
		const facade = new ScriptedFacade([['POST /v1/conversations/c1/ask', () => ok(answer)]]);
		facadeMock.mockImplementation(facade.handle);

		const [out] = await router.call(
			fakeExecute({ params: { ...ASK, askFor: 'fields', fields: FIELDS, options: { wait: 120 } } }),
		);

		expect(facade.calls[0].body).toEqual({
			fields: [
				{ key: 'budget', description: 'the budget the customer named', type: 'number' },
				{ key: 'stage', description: 'the deal stage', type: 'enum', options: ['demo', 'negotiation'] },
			],
			wait: 25,
		});
		expect(out[0].json.budget).toBe(80000);
		expect(out[0].json.stage).toBeNull();
	});

	it('outputs the IDs and status while the job still runs', async () => {
		const pending = { conversation_id: 'c1', job_id: 'j1', status: 'in_progress', links: { job: 'x' } };
		facadeMock.mockImplementation(new ScriptedFacade([['POST /v1/conversations/c1/ask', () => ok(pending, 202)]]).handle);
		const [out] = await router.call(fakeExecute({ params: { ...ASK, askFor: 'question', question: 'Budget?' } }));
		expect(out[0].json).toEqual(pending);
	});

	it('refuses an empty question or no fields before calling the facade', async () => {
		facadeMock.mockImplementation(new ScriptedFacade([]).handle);
		const [out] = await router.call(
			fakeExecute({
				params: { ...ASK, askFor: (i: number) => (i === 0 ? 'question' : 'fields'), question: ' ', fields: {} },
				items: [{ json: {} }, { json: {} }],
				continueOnFail: true,
			}),
		);
		expect(out.map((item) => item.json.error)).toEqual(['The question is empty', 'No fields to extract']);
		expect(facadeMock).not.toHaveBeenCalled();
	});

	it("passes the facade's validation message and code through", async () => {
		facadeMock.mockImplementation(async () => {
			throw facadeError(400, 'invalid_request', "key 'answer' is reserved; choose another");
		});
		const [out] = await router.call(
			fakeExecute({
				params: { ...ASK, askFor: 'fields', fields: { field: [{ key: 'answer', description: 'x', type: 'string' }] } },
				continueOnFail: true,
			}),
		);
		expect(out[0].json).toMatchObject({ code: 'invalid_request', status: 400, error: expect.stringContaining('reserved') });
	});
});

describe('Call Score, summary page and questions on Process', () => {
	it('sends the options under the facade names', async () => {
		const facade = new ScriptedFacade([
			['GET /v1/me', () => ME],
			['POST /v1/conversations', () => ok(FLAT)],
		]);
		facadeMock.mockImplementation(facade.handle);
		const options = {
			callScore: true,
			conversationType: 'sales',
			salesStage: 'qualification',
			prospectName: 'Acme Corp',
			scorecardId: 'sc-1',
			summaryPage: true,
			ask: ' Who needs to sign off? ',
			fields: FIELDS,
		};

		const [out] = await router.call(
			fakeExecute({
				params: {
					resource: 'conversation',
					operation: 'process',
					inputType: 'transcript',
					transcript: 'Alice: Hi',
					waitForCompletion: true,
					waitMode: 'poll',
					maxWaitSeconds: 60,
					options,
				},
			}),
		);

		expect(facade.calls[1].body).toMatchObject({
			call_score: true,
			conversation_type: 'sales',
			sales_stage: 'qualification',
			prospect_name: 'Acme Corp',
			scorecard_id: 'sc-1',
			summary_page: true,
			ask: 'Who needs to sign off?',
			fields: [
				{ key: 'budget', description: 'the budget the customer named', type: 'number' },
				{ key: 'stage', description: 'the deal stage', type: 'enum', options: ['demo', 'negotiation'] },
			],
		});
		expect(out[0].json).toMatchObject({
			call_score: FLAT.call_score,
			answers: FLAT.answers,
			summary_url: FLAT.summary_url,
		});
	});

	it('lets Get Insights include the Call Score and the summary page', async () => {
		const facade = new ScriptedFacade([['GET /v1/conversations/c1/insights', () => ok(FLAT)]]);
		facadeMock.mockImplementation(facade.handle);
		await router.call(
			fakeExecute({
				params: {
					resource: 'conversation',
					operation: 'getInsights',
					conversationId: 'c1',
					format: 'flat',
					options: { include: ['call_score', 'summary_url'], wait: 10 },
				},
			}),
		);
		expect(facade.calls[0].qs).toEqual({ format: 'flat', include: 'call_score,summary_url', wait: 10 });
		const options = new Symbl().description.properties.find(
			(p) => p.name === 'options' && p.displayOptions?.show?.operation?.includes('getInsights'),
		);
		const include = options?.options?.find((o) => o.name === 'include') as { options?: Array<{ value: string }> };
		expect(include.options?.map((o) => o.value)).toEqual(expect.arrayContaining(['call_score', 'summary_url']));
	});

	it('offers the options on Process and Append, and Ask as a Conversation operation', () => {
		const properties = new Symbl().description.properties;
		const operation = properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes('conversation'));
		expect(operation?.options?.map((o) => (o as { value: string }).value)).toContain('ask');
		const submitOptions = properties.filter(
			(p) =>
				p.name === 'options' &&
				p.displayOptions?.show?.resource?.includes('conversation') &&
				p.displayOptions?.show?.operation?.some((op) => op === 'process' || op === 'append'),
		);
		expect(submitOptions).toHaveLength(2);
		for (const collection of submitOptions) {
			const names = (collection.options ?? []).map((o) => (o as { name: string }).name);
			expect(names).toEqual(
				expect.arrayContaining(['callScore', 'conversationType', 'salesStage', 'prospectName', 'scorecardId', 'summaryPage', 'ask', 'fields']),
			);
		}
	});
});
