import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { Symbl } from '../../nodes/Symbl/Symbl.node';
import { getTrackers } from '../../nodes/Symbl/methods/loadOptions';
import { facadeRequest } from '../../nodes/Symbl/transport';
import { NODE, ScriptedFacade, facadeError, ok } from '../helpers';

jest.mock('../../nodes/Symbl/transport', () => ({
	...jest.requireActual('../../nodes/Symbl/transport'),
	facadeRequest: jest.fn(),
}));

const facadeMock = facadeRequest as unknown as jest.Mock;
const context = { getNode: () => NODE } as unknown as ILoadOptionsFunctions;

beforeEach(() => facadeMock.mockReset());

describe('loadOptions.getTrackers', () => {
	it('lists the saved trackers by name (the value the connector applies), sorted, phrases as description', async () => {
		const facade = new ScriptedFacade([
			[
				'GET /v1/trackers',
				() =>
					ok({
						trackers: [
							{ id: 't2', name: 'Pricing', vocabulary: ['discount', 'price'] },
							{ id: 't1', name: 'Competitor', vocabulary: ['Acme'] },
						],
					}),
			],
		]);
		facadeMock.mockImplementation(facade.handle);

		const options = await getTrackers.call(context);

		expect(facade.paths()).toEqual(['GET /v1/trackers']);
		expect(options).toEqual([
			{ name: 'Competitor', value: 'Competitor', description: 'Acme' },
			{ name: 'Pricing', value: 'Pricing', description: 'discount, price' },
		]);
	});

	it("shows the connector's error (e.g. a wrong key) instead of an empty list", async () => {
		facadeMock.mockRejectedValue(facadeError(401, 'unauthorized', 'The API key is not valid.'));
		await expect(getTrackers.call(context)).rejects.toThrow('The API key is not valid.');
	});

	it('is wired to the "Saved Tracker Names or IDs" option of Process and Append', () => {
		const node = new Symbl();
		expect(Object.keys(node.methods?.loadOptions ?? {})).toContain('getTrackers');
		const collections = node.description.properties.filter(
			(property) => property.name === 'options' && property.type === 'collection',
		);
		const shownFor = collections
			.filter((collection) =>
				(collection.options as Array<{ name: string; typeOptions?: { loadOptionsMethod?: string } }>).some(
					(option) => option.name === 'trackerNames' && option.typeOptions?.loadOptionsMethod === 'getTrackers',
				),
			)
			.flatMap((collection) => collection.displayOptions?.show?.operation ?? []);
		expect(shownFor).toEqual(expect.arrayContaining(['process', 'append']));
	});
});
