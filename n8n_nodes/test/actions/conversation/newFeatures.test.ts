/**
 * Conversation → Get Many, the Conversation resource locator (list search), waiting by callback
 * (send-and-wait) and files as binary data.
 */
import type { IDataObject, ILoadOptionsFunctions, IWebhookFunctions } from 'n8n-workflow';

import { router } from '../../../nodes/Symbl/actions/router';
import { Symbl } from '../../../nodes/Symbl/Symbl.node';
import { isPublicHttpsUrl } from '../../../nodes/Symbl/helpers/resume';
import { searchConversations } from '../../../nodes/Symbl/methods/listSearch';
import { facadeRequest } from '../../../nodes/Symbl/transport';
import { FLAT, ME, NODE, ScriptedFacade, facadeError, fakeExecute, ok } from '../../helpers';

jest.mock('../../../nodes/Symbl/transport', () => ({
	...jest.requireActual('../../../nodes/Symbl/transport'),
	facadeRequest: jest.fn(),
}));
jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn(async () => undefined) }));

const facadeMock = facadeRequest as unknown as jest.Mock;
const PENDING = { conversation_id: 'c1', job_id: 'j1', status: 'in_progress', links: {} };
const ROWS = [
	{ conversation_id: 'c2', job_id: 'j3', status: 'completed', name: 'Pilot call', created_at: '2026-11-30T10:00:00+00:00' },
	{ conversation_id: 'c2', job_id: 'j2', status: 'completed', name: 'Pilot call', created_at: '2026-11-30T09:00:00+00:00' },
	{ conversation_id: '', job_id: 'queued-1', status: 'queued', name: 'Later', created_at: '2026-11-30T08:00:00+00:00' },
	{ conversation_id: 'c1', job_id: 'j1', status: 'failed', name: '', created_at: '2026-11-29T08:00:00+00:00' },
];

beforeEach(() => facadeMock.mockReset());

describe('Conversation → Get Many', () => {
	it('lists with the limit and filters as query parameters, one item per submission', async () => {
		const facade = new ScriptedFacade([['GET /v1/conversations', () => ok({ conversations: ROWS })]]);
		facadeMock.mockImplementation(facade.handle);
		const [out] = await router.call(
			fakeExecute({
				params: { resource: 'conversation', operation: 'getAll', returnAll: false, limit: 3, filters: { name: 'pilot', status: 'completed' } },
			}),
		);
		expect(facade.calls[0].qs).toEqual({ limit: 3, name: 'pilot', status: 'completed' });
		expect(out.map((item) => item.json.job_id)).toEqual(['j3', 'j2', 'queued-1']);
		expect(out[0].pairedItem).toEqual({ item: 0 });
	});

	it('Return All asks for the most the connector lists', async () => {
		const facade = new ScriptedFacade([['GET /v1/conversations', () => ok({ conversations: [] })]]);
		facadeMock.mockImplementation(facade.handle);
		await router.call(fakeExecute({ params: { resource: 'conversation', operation: 'getAll', returnAll: true, filters: {} } }));
		expect(facade.calls[0].qs).toEqual({ limit: 500 });
	});
});

describe('Conversation resource locator', () => {
	const context = { getNode: () => NODE } as unknown as ILoadOptionsFunctions;

	it('lists each conversation once (no queued ones), searchable by name', async () => {
		const facade = new ScriptedFacade([['GET /v1/conversations', () => ok({ conversations: ROWS })]]);
		facadeMock.mockImplementation(facade.handle);
		const { results } = await searchConversations.call(context, 'pilot');
		expect(facade.calls[0].qs).toEqual({ limit: 100, name: 'pilot' });
		expect(results.map((r) => r.value)).toEqual(['c2', 'c1']);
		expect(results[0].name).toMatch(/^Pilot call \(completed, 2026-11-30 10:00:00 UTC\)$/);
		expect(results[1].name).toMatch(/^c1 /);
	});

	it('is the Conversation parameter of Append, Ask and Get Insights, with list and ID modes', () => {
		const props = new Symbl().description.properties.filter((p) => p.name === 'conversationId');
		expect(props.length).toBe(3);
		for (const prop of props) {
			expect(prop.type).toBe('resourceLocator');
			expect(prop.modes?.map((m) => m.name)).toEqual(['list', 'id']);
		}
		expect(new Symbl().methods.listSearch.searchConversations).toBe(searchConversations);
	});

	it('Get Insights reads the ID from a locator value', async () => {
		const facade = new ScriptedFacade([['GET /v1/conversations/c9/insights', () => ok(FLAT)]]);
		facadeMock.mockImplementation(facade.handle);
		await router.call(
			fakeExecute({
				params: {
					resource: 'conversation',
					operation: 'getInsights',
					conversationId: { __rl: true, mode: 'list', value: 'c9' },
					format: 'flat',
					options: {},
				},
			}),
		);
		expect(facade.paths()).toEqual(['GET /v1/conversations/c9/insights']);
	});
});

describe('waiting by callback (send and wait)', () => {
	const base = {
		resource: 'conversation',
		operation: 'process',
		inputType: 'transcript',
		transcript: 'Alice: Hi',
		waitForCompletion: true,
		maxWaitSeconds: 900,
		options: {},
	};
	const PUBLIC = 'https://n8n.example.com/webhook-waiting/41?signature=tok';

	it('Auto with a public resume URL: submits it as callback_url (wait 0) and puts the execution to wait', async () => {
		const facade = new ScriptedFacade([['POST /v1/conversations', () => ok(PENDING, 202)]]);
		facadeMock.mockImplementation(facade.handle);
		const waits: Date[] = [];
		const before = Date.now();
		const [out] = await router.call(fakeExecute({ params: { ...base, waitMode: 'auto' }, resumeUrl: PUBLIC, waits }));
		expect(facade.paths()).toEqual(['POST /v1/conversations']);
		expect(facade.calls[0].body).toMatchObject({ callback_url: PUBLIC, wait: 0 });
		expect(waits).toHaveLength(1);
		expect(waits[0].getTime()).toBeGreaterThanOrEqual(before + 900_000);
		expect(out[0].json).toMatchObject({ conversation_id: 'c1', job_id: 'j1', waiting_for: 'callback' });
	});

	it('Auto without a public webhook URL falls back to the bounded poll', async () => {
		const facade = new ScriptedFacade([
			['GET /v1/me', () => ME],
			['POST /v1/conversations', () => ok(FLAT)],
		]);
		facadeMock.mockImplementation(facade.handle);
		const waits: Date[] = [];
		await router.call(fakeExecute({ params: { ...base, waitMode: 'auto' }, resumeUrl: 'http://localhost:5678/webhook-waiting/41', waits }));
		expect(facade.calls.find((c) => c.method === 'POST')?.body).not.toHaveProperty('callback_url');
		expect(waits).toHaveLength(0);
	});

	it('several input items poll (each would need its own wait)', async () => {
		const facade = new ScriptedFacade([
			['GET /v1/me', () => ME],
			['POST /v1/conversations', () => ok(FLAT)],
		]);
		facadeMock.mockImplementation(facade.handle);
		const waits: Date[] = [];
		await router.call(
			fakeExecute({ params: { ...base, waitMode: 'callback' }, resumeUrl: PUBLIC, waits, items: [{ json: {} }, { json: {} }] }),
		);
		expect(waits).toHaveLength(0);
	});

	it.each([
		['https://n8n.example.com/x', true],
		['http://n8n.example.com/x', false],
		['https://localhost:5678/x', false],
		['https://127.0.0.1/x', false],
		['https://10.1.2.3/x', false],
		['https://192.168.1.5/x', false],
		['https://[::1]/x', false],
		['not a url', false],
	])('isPublicHttpsUrl(%s) is %s', (url, expected) => {
		expect(isPublicHttpsUrl(url)).toBe(expected);
	});

	function resumeContext(body: IDataObject, params: IDataObject = {}) {
		const response = { status: jest.fn(), json: jest.fn() };
		response.status.mockReturnValue(response);
		const context = {
			getNode: () => NODE,
			getBodyData: () => body,
			getNodeParameter: (name: string, fallback: unknown) => params[name] ?? fallback,
			getResponseObject: () => response,
			logger: { warn: jest.fn(), info: jest.fn() },
			helpers: { returnJsonArray: (data: IDataObject[]) => data.map((json) => ({ json })) },
		} as unknown as IWebhookFunctions;
		return { context, response };
	}

	it('the resume webhook ignores the callback body and re-reads the job and insights with the credentials', async () => {
		const facade = new ScriptedFacade([
			['GET /v1/jobs/j1', () => ok({ job_id: 'j1', conversation_id: 'c1', status: 'completed' })],
			['GET /v1/conversations/c1/insights', () => ok(FLAT)],
		]);
		facadeMock.mockImplementation(facade.handle);
		const { context } = resumeContext({ job_id: 'j1', conversation_id: 'forged', summary: 'forged' }, { options: { include: ['summary'] } });
		const result = await new Symbl().webhook.call(context);
		expect(facade.calls[1].qs).toEqual({ format: 'flat', include: 'summary' });
		expect(result.workflowData?.[0][0].json).toEqual(FLAT);
	});

	it('refuses a callback for a job still running or unknown: the execution keeps waiting', async () => {
		facadeMock.mockImplementation(
			new ScriptedFacade([['GET /v1/jobs/j1', () => ok({ job_id: 'j1', conversation_id: 'c1', status: 'in_progress' })]]).handle,
		);
		const running = resumeContext({ job_id: 'j1' });
		expect(await new Symbl().webhook.call(running.context)).toEqual({ noWebhookResponse: true });
		expect(running.response.status).toHaveBeenCalledWith(409);

		facadeMock.mockImplementation(async () => {
			throw facadeError(404, 'job_not_found', 'No such job');
		});
		const unknown = resumeContext({ job_id: 'nope' });
		expect(await new Symbl().webhook.call(unknown.context)).toEqual({ noWebhookResponse: true });
		expect(unknown.response.status).toHaveBeenCalledWith(404);
	});

	it('a failed job resumes with its status and error', async () => {
		facadeMock.mockImplementation(
			new ScriptedFacade([
				['GET /v1/jobs/j1', () => ok({ job_id: 'j1', conversation_id: 'c1', status: 'failed', error: { code: 'job_failed', message: 'bad audio' } })],
			]).handle,
		);
		const result = await new Symbl().webhook.call(resumeContext({ job_id: 'j1' }).context);
		expect(result.workflowData?.[0][0].json).toMatchObject({ status: 'failed', error: { message: 'bad audio' } });
	});
});

describe('files as binary data', () => {
	it('Get Insights can put the formatted transcript in a binary field', async () => {
		facadeMock.mockImplementation(new ScriptedFacade([['GET /v1/conversations/c1/insights', () => ok(FLAT)]]).handle);
		const [out] = await router.call(
			fakeExecute({
				params: {
					resource: 'conversation',
					operation: 'getInsights',
					conversationId: 'c1',
					format: 'flat',
					options: { transcriptBinaryProperty: 'transcript' },
				},
			}),
		);
		const file = out[0].binary?.transcript;
		expect(file?.mimeType).toBe('text/plain');
		expect(file?.fileName).toMatch(/\.txt$/);
		expect(Buffer.from(String(file?.data), 'base64').toString('utf8')).toBe(FLAT.transcript_text);
		expect(out[0].json.summary).toBe(FLAT.summary);
	});

	it('Batch → Process can output one item with the CSV report, paired with every input', async () => {
		const csv = 'conversation_id,job_id,status\nc1,j1,completed\n';
		const facade = new ScriptedFacade([
			['POST /v1/batches', () => ok({ batch_id: 'b1', status: 'completed', total: 2 }, 202)],
			['GET /v1/batches/b1/insights', () => ({ status: 200, body: {}, headers: {}, text: csv })],
			['GET /v1/batches/b1', () => ok({ batch_id: 'b1', status: 'completed', total: 2, counts: { completed: 2 } })],
		]);
		facadeMock.mockImplementation(facade.handle);
		const [out] = await router.call(
			fakeExecute({
				params: {
					resource: 'batch',
					operation: 'process',
					batchInputType: 'transcript',
					transcript: 'Alice: Hi',
					waitForCompletion: true,
					maxWaitSeconds: 60,
					output: 'csv',
					binaryPropertyName: 'report',
					options: {},
				},
				items: [{ json: {} }, { json: {} }],
			}),
		);
		expect(out).toHaveLength(1);
		expect(out[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
		expect(out[0].json).toMatchObject({ batch_id: 'b1', batch_status: 'completed', total: 2 });
		const insightsCall = facade.calls.find((c) => c.path === '/v1/batches/b1/insights');
		expect(insightsCall).toMatchObject({ headers: { Accept: 'text/csv' }, rawText: true });
		const file = out[0].binary?.report;
		expect(file?.mimeType).toBe('text/csv');
		expect(Buffer.from(String(file?.data), 'base64').toString('utf8')).toBe(csv);
	});
});
