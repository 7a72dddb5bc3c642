import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { conversationIdOf, conversationLocator } from './conversationLocator';
import { submitConversation } from '../../helpers/submit';
import { submitFields } from './submitFields';

const showOnlyForAppend = { show: { resource: ['conversation'], operation: ['append'] } };

const properties: INodeProperties[] = [
	conversationLocator,
	...submitFields,
];

export const description: INodeProperties[] = updateDisplayOptions(showOnlyForAppend, properties);

/** PUT /v1/conversations/{id}: a new job on the same conversation, then wait or return the IDs. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const conversationId = conversationIdOf.call(this, itemIndex);
	return await submitConversation.call(
		this,
		itemIndex,
		'PUT',
		`/v1/conversations/${encodeURIComponent(conversationId)}`,
	);
}
