/**
 * The Conversation parameter shared by Append and Get Insights: a resource locator that lists the
 * conversations submitted with this API key (`GET /v1/conversations`, searchable by name) or
 * takes an ID (typed or mapped, e.g. `{{ $json.conversation_id }}`).
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export const conversationLocator: INodeProperties = {
	displayName: 'Conversation',
	name: 'conversationId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The conversation, picked from the ones submitted with this API key or given by ID',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a conversation...',
			typeOptions: { searchListMethod: 'searchConversations', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 5091386223542272',
			validation: [
				{
					type: 'regex',
					properties: { regex: '^\\s*[\\w-]+\\s*$', errorMessage: 'Not a valid conversation ID' },
				},
			],
		},
	],
};

/** The conversation ID of item `itemIndex`, from a locator value or (older workflows) a plain string. */
export function conversationIdOf(this: IExecuteFunctions, itemIndex: number): string {
	const value = this.getNodeParameter('conversationId', itemIndex, '', { extractValue: true }) as unknown;
	const id = String(
		typeof value === 'object' && value !== null ? ((value as { value?: unknown }).value ?? '') : (value ?? ''),
	).trim();
	if (id === '') {
		throw new NodeOperationError(this.getNode(), 'No conversation given', {
			itemIndex,
			description: 'Pick a conversation from the list, or map its ID (e.g. {{ $json.conversation_id }}).',
		});
	}
	return id;
}
