import { router } from '../../../nodes/Symbl/actions/router';
import { facadeRequest } from '../../../nodes/Symbl/transport';
import { FLAT, ScriptedFacade, facadeError, fakeExecute, ok } from '../../helpers';

jest.mock('../../../nodes/Symbl/transport', () => ({
	...jest.requireActual('../../../nodes/Symbl/transport'),
	facadeRequest: jest.fn(),
}));

const facadeMock = facadeRequest as unknown as jest.Mock;

const base = { resource: 'conversation', operation: 'getInsights', conversationId: 'c1', format: 'flat', options: {} };

describe('Conversation → Get Insights', () => {
	it('returns the flat object and passes include and wait', async () => {
		const facade = new ScriptedFacade([['GET /v1/conversations/c1/insights', () => ok(FLAT)]]);
		facadeMock.mockImplementation(facade.handle);

		const [out] = await router.call(
			fakeExecute({ params: { ...base, options: { include: ['topics', 'summary'], wait: 80 } } }),
		);

		expect(out[0].json.topics).toBe(FLAT.topics);
		expect(facade.calls[0].qs).toEqual({ format: 'flat', include: 'topics,summary', wait: 50 });
	});

	it('returns the raw bodies when asked', async () => {
		const raw = { conversation_id: 'c1', summary: { summary: [] } };
		const facade = new ScriptedFacade([['GET /v1/conversations/c1/insights', () => ok(raw)]]);
		facadeMock.mockImplementation(facade.handle);

		const [out] = await router.call(fakeExecute({ params: { ...base, format: 'raw', splitLineItems: true } }));

		expect(out[0].json).toEqual(raw);
		expect(facade.calls[0].qs).toEqual({ format: 'raw' });
	});

	it('returns the IDs and status while the job is still running', async () => {
		facadeMock.mockImplementation(
			new ScriptedFacade([
				['GET /v1/conversations/c1/insights', () => ok({ conversation_id: 'c1', job_id: 'j1', status: 'in_progress', links: {} }, 202)],
			]).handle,
		);
		const [out] = await router.call(fakeExecute({ params: base }));
		expect(out[0].json).toEqual({ conversation_id: 'c1', job_id: 'j1', status: 'in_progress', links: {} });
	});

	it('reports an unknown conversation with the facade message', async () => {
		facadeMock.mockImplementation(async () => {
			throw facadeError(404, 'conversation_not_found', 'No conversation c1 for this API key');
		});
		const [out] = await router.call(fakeExecute({ params: base, continueOnFail: true }));
		expect(out[0].json).toEqual({
			error: 'No conversation c1 for this API key',
			code: 'conversation_not_found',
			status: 404,
		});
	});
});
