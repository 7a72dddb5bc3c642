import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { submitConversation } from '../../helpers/submit';
import { submitFields } from './submitFields';

const showOnlyForAppend = { show: { resource: ['conversation'], operation: ['append'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Conversation ID',
		name: 'conversationId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '={{ $json.conversation_id }}',
		description: 'The conversation to add more transcript or recording to',
	},
	...submitFields,
];

export const description: INodeProperties[] = updateDisplayOptions(showOnlyForAppend, properties);

/** PUT /v1/conversations/{id}: a new job on the same conversation, then wait or return the IDs. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const conversationId = (this.getNodeParameter('conversationId', itemIndex) as string).trim();
	return await submitConversation.call(
		this,
		itemIndex,
		'PUT',
		`/v1/conversations/${encodeURIComponent(conversationId)}`,
	);
}
