import { router } from '../../../nodes/Symbl/actions/router';
import { facadeRequest } from '../../../nodes/Symbl/transport';
import { ScriptedFacade, fakeExecute, ok } from '../../helpers';

jest.mock('../../../nodes/Symbl/transport', () => ({
	...jest.requireActual('../../../nodes/Symbl/transport'),
	facadeRequest: jest.fn(),
}));

const facadeMock = facadeRequest as unknown as jest.Mock;
const TRACKERS = [
	{ id: 't1', name: 'Competitor', vocabulary: ['Acme', 'Globex'] },
	{ id: 't2', name: 'Pricing', vocabulary: ['discount'] },
];

beforeEach(() => facadeMock.mockReset());

describe('Tracker → Get Many', () => {
	it('outputs one item per saved tracker, up to the limit', async () => {
		const facade = new ScriptedFacade([['GET /v1/trackers', () => ok({ trackers: TRACKERS })]]);
		facadeMock.mockImplementation(facade.handle);

		const [limited] = await router.call(
			fakeExecute({ params: { resource: 'tracker', operation: 'getAll', returnAll: false, limit: 1, filters: {} } }),
		);
		expect(limited.map((item) => item.json)).toEqual([TRACKERS[0]]);

		const [all] = await router.call(
			fakeExecute({ params: { resource: 'tracker', operation: 'getAll', returnAll: true, filters: {} } }),
		);
		expect(all.map((item) => item.json)).toEqual(TRACKERS);
		expect(all.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
		expect(facade.calls[0].qs).toBeUndefined();
	});

	it('filters by exact name with ?name=', async () => {
		const facade = new ScriptedFacade([['GET /v1/trackers', () => ok({ trackers: [TRACKERS[1]] })]]);
		facadeMock.mockImplementation(facade.handle);

		const [out] = await router.call(
			fakeExecute({
				params: { resource: 'tracker', operation: 'getAll', returnAll: true, filters: { name: ' Pricing ' } },
			}),
		);

		expect(facade.calls[0].qs).toEqual({ name: 'Pricing' });
		expect(out.map((item) => item.json.name)).toEqual(['Pricing']);
	});
});
