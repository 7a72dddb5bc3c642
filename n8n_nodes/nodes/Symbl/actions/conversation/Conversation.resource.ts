import type { INodeProperties } from 'n8n-workflow';

import * as append from './append.operation';
import * as ask from './ask.operation';
import * as getAll from './getAll.operation';
import * as getInsights from './getInsights.operation';
import * as process from './process.operation';

export { append, ask, getAll, getInsights, process };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conversation'] } },
		options: [
			{
				name: 'Append',
				value: 'append',
				description: 'Add more transcript or a recording to a conversation and re-run the insights',
				action: 'Append to a conversation',
			},
			{
				name: 'Ask',
				value: 'ask',
				description:
					'Ask Nebula a question about a conversation, or extract typed fields (one output key per field)',
				action: 'Ask about a conversation',
			},
			{
				name: 'Get Insights',
				value: 'getInsights',
				description: 'Get the insights of a conversation, flat or raw',
				action: 'Get insights of a conversation',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the conversations submitted with this API key, newest first',
				action: 'Get many conversations',
			},
			{
				name: 'Process',
				value: 'process',
				description: 'Submit a transcript, recording URL or file and get its insights',
				action: 'Process a conversation',
			},
		],
		default: 'process',
	},
	...process.description,
	...append.description,
	...ask.description,
	...getInsights.description,
	...getAll.description,
];
