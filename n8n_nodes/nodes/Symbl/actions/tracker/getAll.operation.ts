import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { trackerList } from '../../helpers/trackers';
import { facadeRequest } from '../../transport';

const showOnlyForGetAll = { show: { resource: ['tracker'], operation: ['getAll'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				description: 'Only the tracker with exactly this name (case-sensitive)',
			},
		],
	},
];

export const description: INodeProperties[] = updateDisplayOptions(showOnlyForGetAll, properties);

/** GET /v1/trackers[?name=]: one output item per saved tracker `{id, name, vocabulary}`. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const name = typeof filters.name === 'string' ? filters.name.trim() : '';
	const response = await facadeRequest.call(this, {
		method: 'GET',
		path: '/v1/trackers',
		qs: name !== '' ? { name } : undefined,
	});
	const trackers = trackerList(response.body);
	if (returnAll) return trackers;
	const limit = this.getNodeParameter('limit', itemIndex, 50) as number;
	return trackers.slice(0, Math.max(1, limit));
}
