import type { INodeProperties } from 'n8n-workflow';

import * as process from './process.operation';

export { process };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['batch'] } },
		options: [
			{
				name: 'Process',
				value: 'process',
				description:
					'Submit all input items as one batch (a backfill), through the connector’s queue, and get each one’s insights',
				action: 'Process a batch of conversations',
			},
		],
		default: 'process',
	},
	...process.description,
];
