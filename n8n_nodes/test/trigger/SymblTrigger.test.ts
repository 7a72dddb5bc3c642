import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { SymblTrigger } from '../../nodes/SymblTrigger/SymblTrigger.node';
import {
	SEEN_MAX_ENTRIES,
	rememberEventId,
	sign,
	verifyDelivery,
} from '../../nodes/SymblTrigger/signature';
import type { SeenIds } from '../../nodes/SymblTrigger/signature';
import { facadeRequest } from '../../nodes/Symbl/transport';
import { FLAT, NODE, ScriptedFacade, facadeError, ok } from '../helpers';

jest.mock('../../nodes/Symbl/transport', () => ({
	...jest.requireActual('../../nodes/Symbl/transport'),
	facadeRequest: jest.fn(),
}));

const facadeMock = facadeRequest as unknown as jest.Mock;
const WEBHOOK_URL = 'https://n8n.example.com/webhook/abc/webhook';

function hookContext(staticData: IDataObject, event = 'conversation.completed'): IHookFunctions {
	return {
		getNode: () => NODE,
		getWorkflowStaticData: () => staticData,
		getNodeWebhookUrl: () => WEBHOOK_URL,
		getNodeParameter: (name: string) => (name === 'event' ? event : undefined),
		logger,
	} as unknown as IHookFunctions;
}

const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };

const now = () => Math.floor(Date.now() / 1000);

/** The headers the connector sends for one delivery attempt (Standard Webhooks + legacy). */
function signed(secret: string, raw: string, id = 'evt-1', timestamp = now()): Record<string, string> {
	return {
		'webhook-id': id,
		'webhook-timestamp': String(timestamp),
		'webhook-signature': sign(secret, id, timestamp, raw),
		'x-connector-signature': 'sha256=legacy',
	};
}

function webhookContext(staticData: IDataObject, raw: string, headers: Record<string, string>, split = false) {
	const response = { status: jest.fn(), send: jest.fn(), json: jest.fn(), end: jest.fn() };
	response.status.mockReturnValue(response);
	response.send.mockReturnValue(response);
	response.json.mockReturnValue(response);
	const context = {
		getWorkflowStaticData: () => staticData,
		getRequestObject: () => ({ rawBody: Buffer.from(raw) }),
		getHeaderData: () => headers,
		getBodyData: () => JSON.parse(raw),
		getResponseObject: () => response,
		getNodeParameter: () => split,
		logger,
		helpers: { returnJsonArray: (data: IDataObject[]) => data.map((json) => ({ json })) },
	} as unknown as IWebhookFunctions;
	return { context, response };
}

describe('Symbl Trigger', () => {
	const trigger = new SymblTrigger();
	const methods = trigger.webhookMethods.default;

	beforeEach(() => facadeMock.mockReset());

	it('subscribes on activation and keeps the hook ID and secret', async () => {
		const facade = new ScriptedFacade([
			['POST /v1/hooks', () => ok({ id: 'h1', target_url: WEBHOOK_URL, event: 'conversation.completed', secret: 's3' }, 201)],
		]);
		facadeMock.mockImplementation(facade.handle);
		const staticData: IDataObject = {};

		expect(await methods.create.call(hookContext(staticData))).toBe(true);

		expect(facade.calls[0].body).toEqual({ target_url: WEBHOOK_URL, event: 'conversation.completed' });
		expect(staticData).toEqual({ hookId: 'h1', secret: 's3' });
	});

	it('finds its own hook, and forgets one the connector no longer has', async () => {
		facadeMock.mockImplementation(
			new ScriptedFacade([
				['GET /v1/hooks', () => ok({ hooks: [{ id: 'h1', target_url: WEBHOOK_URL, event: 'conversation.completed' }] })],
			]).handle,
		);
		expect(await methods.checkExists.call(hookContext({ hookId: 'h1', secret: 's' }))).toBe(true);

		const stale: IDataObject = { hookId: 'h2', secret: 's' };
		expect(await methods.checkExists.call(hookContext(stale))).toBe(false);
		expect(stale).toEqual({});
		expect(await methods.checkExists.call(hookContext({}))).toBe(false);
	});

	it('unsubscribes on deactivation, also when the hook is already gone', async () => {
		const facade = new ScriptedFacade([['DELETE /v1/hooks/h1', () => ok({}, 204)]]);
		facadeMock.mockImplementation(facade.handle);
		const staticData: IDataObject = { hookId: 'h1', secret: 's' };
		expect(await methods.delete.call(hookContext(staticData))).toBe(true);
		expect(staticData).toEqual({});

		facadeMock.mockImplementation(async () => {
			throw facadeError(404, 'hook_not_found', 'No such hook');
		});
		expect(await methods.delete.call(hookContext({ hookId: 'h1' }))).toBe(true);
	});

	it('refuses to unsubscribe silently: another error on DELETE is logged and rethrown', async () => {
		logger.error.mockReset();
		facadeMock.mockImplementation(async () => {
			throw facadeError(503, 'symbl_busy', 'Try again');
		});
		const staticData: IDataObject = { hookId: 'h1', secret: 's' };
		await expect(methods.delete.call(hookContext(staticData))).rejects.toThrow('Try again');
		expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('h1'));
		expect(staticData.hookId).toBe('h1');
	});

	it('fails activation loudly when the connector returns no signing secret', async () => {
		facadeMock.mockImplementation(
			new ScriptedFacade([['POST /v1/hooks', () => ok({ id: 'h1' }, 201)]]).handle,
		);
		await expect(methods.create.call(hookContext({}))).rejects.toThrow(/signing secret/);
	});

	it('emits the flat insights of a correctly signed delivery', async () => {
		const raw = JSON.stringify({ ...FLAT, event: 'conversation.completed', event_id: 'e1' });
		const { context } = webhookContext({ secret: 's3' }, raw, signed('s3', raw, 'e1'));

		const result = await trigger.webhook.call(context);

		expect(result.workflowData?.[0][0].json).toMatchObject({ slack_text: FLAT.slack_text, event_id: 'e1' });
	});

	it('can split a delivery into one item per action item', async () => {
		const raw = JSON.stringify({ ...FLAT, event: 'conversation.completed', event_id: 'e1' });
		const { context } = webhookContext({ secret: 's3' }, raw, signed('s3', raw), true);
		const result = await trigger.webhook.call(context);
		expect(result.workflowData?.[0]).toHaveLength((FLAT.action_items as unknown[]).length);
	});

	const raw = JSON.stringify({ ...FLAT, event: 'conversation.completed', event_id: 'evt-1' });
	const good = signed('s3', raw);
	it.each([
		['a wrong signature', { ...good, 'webhook-signature': 'v1,AAAA' }],
		['a signature made with another secret', signed('other', raw)],
		['no webhook-signature', { ...good, 'webhook-signature': '' }],
		['only the legacy X-Connector-Signature', { 'x-connector-signature': 'sha256=00' }],
		['no headers at all', {}],
		['a timestamp 301 s old', signed('s3', raw, 'evt-1', now() - 301)],
		['a timestamp 301 s in the future', signed('s3', raw, 'evt-1', now() + 301)],
		['a signature over another webhook-id', { ...good, 'webhook-id': 'evt-2' }],
		['a signature over another timestamp', { ...good, 'webhook-timestamp': String(now() - 1) }],
	])('answers 401 and starts nothing for %s', async (_label, headers) => {
		logger.warn.mockReset();
		const { context, response } = webhookContext({ secret: 's3' }, raw, headers as Record<string, string>);

		const result = await trigger.webhook.call(context);

		expect(result).toEqual({ noWebhookResponse: true });
		expect(response.status).toHaveBeenCalledWith(401);
		expect(logger.warn).toHaveBeenCalled();
	});

	it('says it cannot verify when no secret is stored, and starts nothing', async () => {
		const { context, response } = webhookContext({}, raw, good);
		const result = await trigger.webhook.call(context);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response.status).toHaveBeenCalledWith(401);
		expect(JSON.stringify(response.json.mock.calls)).toMatch(/no signing secret/);
	});

	it('acknowledges a repeated webhook-id (a retry) but starts the workflow only once', async () => {
		const staticData: IDataObject = { secret: 's3' };
		const first = await trigger.webhook.call(webhookContext(staticData, raw, signed('s3', raw, 'evt-9')).context);
		expect(first.workflowData).toHaveLength(1);

		// The retry is signed again with a fresh timestamp: still the same event.
		const { context, response } = webhookContext(staticData, raw, signed('s3', raw, 'evt-9', now() + 2));
		const second = await trigger.webhook.call(context);
		expect(second).toEqual({ noWebhookResponse: true });
		expect(response.status).toHaveBeenCalledWith(200);
		expect(Object.keys(staticData.seenEventIds as IDataObject)).toEqual(['evt-9']);
	});
});

describe('Standard Webhooks verification', () => {
	const body = '{"event":"conversation.completed"}';
	const t = 1_700_000_000;

	it('matches the scheme: base64 HMAC-SHA256 over "id.timestamp.body", key = the secret as UTF-8', () => {
		const { createHmac } = jest.requireActual('crypto') as typeof import('crypto');
		const expected = createHmac('sha256', 'plain-secret').update(`msg_1.${t}.${body}`).digest('base64');
		expect(sign('plain-secret', 'msg_1', t, body)).toBe(`v1,${expected}`);
	});

	it('decodes a whsec_ secret from base64 first', () => {
		const whsec = `whsec_${Buffer.from('raw-key').toString('base64')}`;
		expect(sign(whsec, 'msg_1', t, body)).toBe(sign('raw-key', 'msg_1', t, body));
		const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(t), 'webhook-signature': sign('raw-key', 'msg_1', t, body) };
		expect(verifyDelivery(whsec, body, headers, t)).toEqual({ ok: true, id: 'msg_1', timestamp: t });
	});

	it('accepts any one of several space-separated signatures (secret rotation)', () => {
		const signature = `v1,bm9wZQ== ${sign('new', 'msg_1', t, body)}`;
		const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(t), 'webhook-signature': signature };
		expect(verifyDelivery('new', body, headers, t).ok).toBe(true);
		expect(verifyDelivery('old', body, headers, t).ok).toBe(false);
	});

	it('accepts exactly 300 s of clock difference either way, refuses more', () => {
		const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(t), 'webhook-signature': sign('s', 'msg_1', t, body) };
		expect(verifyDelivery('s', body, headers, t + 300).ok).toBe(true);
		expect(verifyDelivery('s', body, headers, t - 300).ok).toBe(true);
		expect(verifyDelivery('s', body, headers, t + 301)).toMatchObject({ ok: false });
		expect(verifyDelivery('s', body, headers, t - 301)).toMatchObject({ ok: false });
	});

	it('keeps a bounded set of seen event IDs, dropping the oldest', () => {
		const seen: SeenIds = {};
		for (let i = 0; i < SEEN_MAX_ENTRIES + 50; i++) expect(rememberEventId(seen, `e${i}`, t + i)).toBe(true);
		expect(Object.keys(seen)).toHaveLength(SEEN_MAX_ENTRIES);
		expect(seen.e0).toBeUndefined();
		expect(rememberEventId(seen, `e${SEEN_MAX_ENTRIES + 49}`, t + SEEN_MAX_ENTRIES + 60)).toBe(false);
	});
});
