import { router } from '../../../nodes/Symbl/actions/router';
import { facadeRequest } from '../../../nodes/Symbl/transport';
import { ScriptedFacade, fakeExecute, ok } from '../../helpers';

jest.mock('../../../nodes/Symbl/transport', () => ({
	...jest.requireActual('../../../nodes/Symbl/transport'),
	facadeRequest: jest.fn(),
}));

describe('Job → Get Status', () => {
	it('long-polls the job for at most 50 s per call', async () => {
		const job = { job_id: 'j1', conversation_id: 'c1', status: 'completed', error: null, links: {} };
		const facade = new ScriptedFacade([['GET /v1/jobs/j1', () => ok(job)]]);
		(facadeRequest as unknown as jest.Mock).mockImplementation(facade.handle);

		const items = [{ json: { job_id: 'j1' } }, { json: { job_id: 'j1' } }];
		const [out] = await router.call(
			fakeExecute({ items, params: { resource: 'job', operation: 'getStatus', jobId: 'j1', wait: 300 } }),
		);

		expect(out.map((item) => item.json)).toEqual([job, job]);
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(facade.calls[0].qs).toEqual({ wait: 50 });
	});
});
