import type { INodeProperties } from 'n8n-workflow';

import * as createOrUpdate from './createOrUpdate.operation';
import * as getAll from './getAll.operation';

export { createOrUpdate, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['tracker'] } },
		options: [
			{
				name: 'Create or Update',
				value: 'createOrUpdate',
				description:
					'Save a tracker in the Symbl account, or replace the phrases of the tracker with that name',
				action: 'Create or update a tracker',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the trackers saved in the Symbl account',
				action: 'Get many trackers',
			},
		],
		default: 'createOrUpdate',
	},
	...createOrUpdate.description,
	...getAll.description,
];
