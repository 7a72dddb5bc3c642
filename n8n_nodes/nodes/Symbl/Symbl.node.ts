import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as batch from './actions/batch/Batch.resource';
import * as conversation from './actions/conversation/Conversation.resource';
import * as job from './actions/job/Job.resource';
import * as tracker from './actions/tracker/Tracker.resource';
import { router } from './actions/router';
import { resumeWebhook, resumeWebhooks } from './helpers/resume';
import * as listSearch from './methods/listSearch';
import * as loadOptions from './methods/loadOptions';

export class Symbl implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Symbl',
		name: 'symbl',
		icon: { light: 'file:../../icons/symbl.svg', dark: 'file:../../icons/symbl.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Turn a call transcript or recording into a summary, action items, Slack text and a CRM note',
		defaults: { name: 'Symbl' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'symblConnectorApi', required: true }],
		webhooks: resumeWebhooks,
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Batch', value: 'batch' },
					{ name: 'Conversation', value: 'conversation' },
					{ name: 'Job', value: 'job' },
					{ name: 'Tracker', value: 'tracker' },
				],
				default: 'conversation',
			},
			...conversation.description,
			...job.description,
			...tracker.description,
			...batch.description,
		],
	};

	methods = { loadOptions, listSearch };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeWebhook.call(this);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
