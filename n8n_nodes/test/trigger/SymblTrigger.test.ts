import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { SymblTrigger } from '../../nodes/SymblTrigger/SymblTrigger.node';
import { signBody } from '../../nodes/SymblTrigger/signature';
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
	} as unknown as IHookFunctions;
}

function webhookContext(staticData: IDataObject, raw: string, signature: string | undefined, split = false) {
	const response = { status: jest.fn(), send: jest.fn(), end: jest.fn() };
	response.status.mockReturnValue(response);
	response.send.mockReturnValue(response);
	const context = {
		getWorkflowStaticData: () => staticData,
		getRequestObject: () => ({ rawBody: Buffer.from(raw) }),
		getHeaderData: () => (signature ? { 'x-connector-signature': signature } : {}),
		getBodyData: () => JSON.parse(raw),
		getResponseObject: () => response,
		getNodeParameter: () => split,
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

	it('emits the flat insights of a correctly signed delivery', async () => {
		const raw = JSON.stringify({ ...FLAT, event: 'conversation.completed', event_id: 'e1' });
		const { context } = webhookContext({ secret: 's3' }, raw, signBody('s3', raw));

		const result = await trigger.webhook.call(context);

		expect(result.workflowData?.[0][0].json).toMatchObject({ slack_text: FLAT.slack_text, event_id: 'e1' });
	});

	it('can split a delivery into one item per action item', async () => {
		const raw = JSON.stringify({ ...FLAT, event: 'conversation.completed', event_id: 'e1' });
		const { context } = webhookContext({ secret: 's3' }, raw, signBody('s3', raw), true);
		const result = await trigger.webhook.call(context);
		expect(result.workflowData?.[0]).toHaveLength((FLAT.action_items as unknown[]).length);
	});

	it.each([
		['a wrong signature', 'sha256=00'],
		['no signature', undefined],
	])('answers 401 and starts nothing for %s', async (_label, signature) => {
		const raw = JSON.stringify({ ...FLAT, event: 'conversation.completed' });
		const { context, response } = webhookContext({ secret: 's3' }, raw, signature);

		const result = await trigger.webhook.call(context);

		expect(result).toEqual({ noWebhookResponse: true });
		expect(response.status).toHaveBeenCalledWith(401);
	});
});
