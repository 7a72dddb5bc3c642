import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { facadeRequest } from '../../transport';

/** The most the facade lists in one answer (`GET /v1/conversations?limit=`, 1..500). */
export const MAX_LIST = 500;

const showOnlyForGetAll = { show: { resource: ['conversation'], operation: ['getAll'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		hint: `The connector lists at most ${MAX_LIST} conversations`,
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_LIST },
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
				displayName: 'Name Contains',
				name: 'name',
				type: 'string',
				default: '',
				description: 'Only conversations whose name contains this text (case-insensitive)',
			},
			{
				displayName: 'Created Since',
				name: 'since',
				type: 'dateTime',
				default: '',
				description: 'Only submissions made at or after this time',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				default: 'completed',
				options: [
					{ name: 'Completed', value: 'completed' },
					{ name: 'Failed', value: 'failed' },
					{ name: 'In Progress', value: 'in_progress' },
					{ name: 'Queued', value: 'queued' },
					{ name: 'Scheduled', value: 'scheduled' },
				],
			},
		],
	},
];

export const description: INodeProperties[] = updateDisplayOptions(showOnlyForGetAll, properties);

/** GET /v1/conversations: the submissions made with this API key, newest first, one item each. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? MAX_LIST : Math.min(MAX_LIST, Math.max(1, this.getNodeParameter('limit', itemIndex, 50) as number));
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs: IDataObject = { limit };
	if (typeof filters.name === 'string' && filters.name.trim() !== '') qs.name = filters.name.trim();
	if (typeof filters.status === 'string' && filters.status !== '') qs.status = filters.status;
	if (typeof filters.since === 'string' && filters.since !== '') qs.since = new Date(filters.since).toISOString();
	const response = await facadeRequest.call(this, { method: 'GET', path: '/v1/conversations', qs });
	const rows = Array.isArray(response.body.conversations) ? (response.body.conversations as IDataObject[]) : [];
	return rows.slice(0, limit);
}
