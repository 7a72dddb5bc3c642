import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { splitActionItems } from '../Symbl/helpers/items';
import { createHook, deleteHook, hookExists } from './hooks';
import type { Headers, SeenIds } from './signature';
import { rememberEventId, verifyDelivery } from './signature';

export class SymblTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Symbl Trigger',
		name: 'symblTrigger',
		icon: { light: 'file:../../icons/symbl.svg', dark: 'file:../../icons/symbl.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["event"] }}',
		description: 'Starts the workflow when a conversation submitted to the Symbl connector completes',
		defaults: { name: 'Symbl Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'symblConnectorApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				default: 'conversation.completed',
				options: [
					{
						name: 'Conversation Completed',
						value: 'conversation.completed',
						description: 'The flat insights of a finished conversation',
					},
					{
						name: 'Conversation Failed',
						value: 'conversation.failed',
						description: 'The conversation and job IDs and the error of a failed job',
					},
				],
			},
			{
				displayName: 'Split Line Items',
				name: 'splitLineItems',
				type: 'boolean',
				default: false,
				description:
					'Whether to output one item per action item (with the conversation ID, name and summary) instead of one item per conversation',
				displayOptions: { show: { event: ['conversation.completed'] } },
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await hookExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await createHook.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await deleteHook.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const staticData = this.getWorkflowStaticData('node');
		const request = this.getRequestObject() as unknown as { rawBody?: Buffer };
		const headers = this.getHeaderData() as Headers;
		const verified = verifyDelivery(staticData.secret as string | undefined, request.rawBody, headers);
		if (!verified.ok) {
			this.logger.warn(`Symbl Trigger: delivery refused: ${verified.reason}`);
			this.getResponseObject().status(401).json({ error: { code: 'invalid_signature', message: verified.reason } });
			return { noWebhookResponse: true };
		}
		const seen = (staticData.seenEventIds ?? {}) as SeenIds;
		if (!rememberEventId(seen, verified.id, Math.floor(Date.now() / 1000))) {
			// A retry of an event this workflow already started on: acknowledge it, start nothing.
			this.logger.info(`Symbl Trigger: repeated delivery ${verified.id} dropped`);
			this.getResponseObject().status(200).json({ received: true, duplicate: true });
			return { noWebhookResponse: true };
		}
		staticData.seenEventIds = seen;

		const body = this.getBodyData();
		const split =
			body.event !== 'conversation.failed' &&
			(this.getNodeParameter('splitLineItems', false) as boolean);
		const payloads: IDataObject[] = split ? splitActionItems(body) : [body];
		return { workflowData: [this.helpers.returnJsonArray(payloads)] };
	}
}
