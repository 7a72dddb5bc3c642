import { router } from '../../../nodes/Symbl/actions/router';
import { facadeRequest } from '../../../nodes/Symbl/transport';
import { ScriptedFacade, facadeError, fakeExecute, ok } from '../../helpers';

jest.mock('../../../nodes/Symbl/transport', () => ({
	...jest.requireActual('../../../nodes/Symbl/transport'),
	facadeRequest: jest.fn(),
}));

const facadeMock = facadeRequest as unknown as jest.Mock;

const sync = (created: unknown[], updated: unknown[], unchanged: unknown[]) =>
	ok({
		changed: created.length + updated.length > 0,
		dry_run: false,
		summary: `${created.length} created, ${updated.length} updated, 0 deleted, ${unchanged.length} unchanged`,
		created,
		updated,
		deleted: [],
		unchanged,
	});

const params = (extra: Record<string, unknown> = {}) => ({
	resource: 'tracker',
	operation: 'createOrUpdate',
	name: 'Competitor',
	vocabulary: 'Acme, Globex',
	...extra,
});

beforeEach(() => facadeMock.mockReset());

describe('Tracker → Create or Update', () => {
	it('sends one tracker to the sync without deleting others and outputs the created tracker', async () => {
		const tracker = { id: 't1', name: 'Competitor', vocabulary: ['Acme', 'Globex'] };
		const facade = new ScriptedFacade([['PUT /v1/trackers', () => sync([tracker], [], [])]]);
		facadeMock.mockImplementation(facade.handle);

		const [out] = await router.call(fakeExecute({ params: params({ name: ' Competitor ', vocabulary: 'Acme,\n Globex ,' }) }));

		expect(facade.calls).toHaveLength(1);
		expect(facade.calls[0].body).toEqual({
			trackers: [{ name: 'Competitor', vocabulary: ['Acme', 'Globex'] }],
			delete_missing: false,
		});
		expect(out).toEqual([{ json: { ...tracker, action: 'created', changed: true }, pairedItem: { item: 0 } }]);
	});

	it('reports an update and an unchanged tracker, one output item per input item', async () => {
		const updated = { id: 't1', name: 'Competitor', vocabulary: ['Acme', 'Initech'] };
		let calls = 0;
		const facade = new ScriptedFacade([
			['PUT /v1/trackers', () => (++calls === 1 ? sync([], [updated], []) : sync([], [], [updated]))],
		]);
		facadeMock.mockImplementation(facade.handle);

		const [out] = await router.call(
			fakeExecute({ items: [{ json: {} }, { json: {} }], params: params({ vocabulary: ['Acme', 'Initech'] }) }),
		);

		expect(out.map((item) => [item.json.action, item.json.changed, item.json.id, item.pairedItem])).toEqual([
			['updated', true, 't1', { item: 0 }],
			['unchanged', false, 't1', { item: 1 }],
		]);
		expect(facade.calls[1].body).toMatchObject({ trackers: [{ vocabulary: ['Acme', 'Initech'] }] });
	});

	it('refuses an empty phrase list before calling the connector', async () => {
		await expect(router.call(fakeExecute({ params: params({ vocabulary: ' , ' }) }))).rejects.toThrow(
			'The tracker has no phrases',
		);
		expect(facadeMock).not.toHaveBeenCalled();
	});

	it("continues on fail with the connector's invalid_tracker code", async () => {
		facadeMock.mockRejectedValue(
			facadeError(400, 'invalid_tracker', "Invalid trackers[0].vocabulary: phrase 1 ('price?') contains ?.", [
				{ field: 'trackers[0].vocabulary', message: 'phrase 1 contains ?' },
			]),
		);

		const [out] = await router.call(fakeExecute({ params: params({ vocabulary: 'price?' }), continueOnFail: true }));

		expect(out[0].json).toMatchObject({ code: 'invalid_tracker', status: 400, error: expect.stringContaining('price?') });
		expect(out[0].pairedItem).toEqual({ item: 0 });
	});
});
