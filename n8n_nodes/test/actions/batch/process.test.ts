import type { IDataObject } from 'n8n-workflow';

import { router } from '../../../nodes/Symbl/actions/router';
import { facadeRequest } from '../../../nodes/Symbl/transport';
import { FLAT, ScriptedFacade, fakeExecute, ok } from '../../helpers';

jest.mock('../../../nodes/Symbl/transport', () => ({
	...jest.requireActual('../../../nodes/Symbl/transport'),
	facadeRequest: jest.fn(),
}));

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => undefined),
}));

const facadeMock = facadeRequest as unknown as jest.Mock;

const INPUTS = [
	{ json: { recording_url: 'https://example.com/a.mp3', title: 'Call A', id: 'rec-a' } },
	{ json: { recording_url: 'https://example.com/b.mp3', title: 'Call B', id: 'rec-b' } },
];

const params = (extra: IDataObject = {}) => ({
	resource: 'batch',
	operation: 'process',
	batchInputType: 'url',
	url: (i: number) => ` ${INPUTS[i].json.recording_url} `,
	name: (i: number) => INPUTS[i].json.title,
	key: (i: number) => INPUTS[i].json.id,
	waitForCompletion: true,
	maxWaitSeconds: 600,
	options: { include: ['summary', 'action_items'], language: 'en-US' },
	...extra,
});

function item(index: number, status: string, conversationId = ''): IDataObject {
	return {
		index,
		name: `Call ${'AB'[index]}`,
		key: `rec-${'ab'[index]}`,
		status,
		conversation_id: conversationId,
		job_id: conversationId ? `job-${index}` : `queued-${index}`,
		reused: false,
		error: null,
	};
}

describe('Batch → Process', () => {
	it('sends all input items as one batch, waits, and outputs each item’s insights', async () => {
		let reads = 0;
		const facade = new ScriptedFacade([
			['POST /v1/batches', () => ok({ batch_id: 'batch-1', status: 'running', total: 2 }, 202)],
			[
				'GET /v1/batches/batch-1',
				(request) => {
					reads += 1;
					if (request.qs?.items === 'false') return ok({ batch_id: 'batch-1', status: reads > 1 ? 'completed' : 'running' });
					return ok({
						batch_id: 'batch-1',
						status: 'completed',
						items: [item(0, 'completed', '1111111111111111'), item(1, 'failed', '2222222222222222')],
					});
				},
			],
			['GET /v1/conversations/1111111111111111/insights', () => ok(FLAT)],
		]);
		facadeMock.mockImplementation(facade.handle);

		const [out] = await router.call(fakeExecute({ params: params(), items: INPUTS }));

		const body = facade.calls[0].body as IDataObject;
		expect(body.items).toEqual([
			{ url: 'https://example.com/a.mp3', name: 'Call A', key: 'rec-a' },
			{ url: 'https://example.com/b.mp3', name: 'Call B', key: 'rec-b' },
		]);
		expect(body.options).toEqual({ include: ['summary', 'action_items'], language: 'en-US' });
		expect(facade.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
		expect(out).toHaveLength(2);
		expect(out[0].json.crm_note).toBe(FLAT.crm_note);
		expect(out[0].json).toMatchObject({ batch_id: 'batch-1', key: 'rec-a', item: 0 });
		expect(out[0].pairedItem).toEqual({ item: 0 });
		expect(out[1].json).toMatchObject({ status: 'failed', key: 'rec-b', item: 1, batch_status: 'completed' });
		expect(out[1].pairedItem).toEqual({ item: 1 });
		const insightsCall = facade.calls.find((c) => c.path.endsWith('/insights'));
		expect(insightsCall?.qs).toEqual({ format: 'flat', include: 'summary,action_items' });
	});

	it('without waiting outputs the batch and item IDs at once', async () => {
		const facade = new ScriptedFacade([
			['POST /v1/batches', () => ok({ batch_id: 'batch-2', status: 'running' }, 202)],
			['GET /v1/batches/batch-2', () => ok({ batch_id: 'batch-2', status: 'running', items: [item(0, 'queued'), item(1, 'queued')] })],
		]);
		facadeMock.mockImplementation(facade.handle);

		const [out] = await router.call(fakeExecute({ params: params({ waitForCompletion: false }), items: INPUTS }));

		expect(out.map((o) => o.json.status)).toEqual(['queued', 'queued']);
		expect(out[1].json).toMatchObject({ batch_id: 'batch-2', job_id: 'queued-1', key: 'rec-b' });
		expect(facade.calls).toHaveLength(2);
	});

	it('on error with Continue On Fail outputs the error on every item', async () => {
		const facade = new ScriptedFacade([]);
		facadeMock.mockImplementation(facade.handle);
		const [out] = await router.call(fakeExecute({ params: params(), items: INPUTS, continueOnFail: true }));
		expect(out).toHaveLength(2);
		expect(out[1].json.error).toContain('unexpected facade call');
		expect(out[1].pairedItem).toEqual({ item: 1 });
	});
});
