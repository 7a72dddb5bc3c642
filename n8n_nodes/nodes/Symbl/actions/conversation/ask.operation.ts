import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { askFieldsCollection, askFieldsOf } from './askFields';
import { conversationIdOf, conversationLocator } from './conversationLocator';
import { pendingResult } from '../../helpers/items';
import { facadeRequest, MAX_CALL_MS } from '../../transport';

/**
 * The longest Ask waits for a running job: Nebula then gets at least 30 s of its own, and the
 * whole call stays under MAX_CALL_MS.
 */
export const ASK_MAX_WAIT_SECONDS = 25;

const showOnlyForAsk = { show: { resource: ['conversation'], operation: ['ask'] } };

const properties: INodeProperties[] = [
	conversationLocator,
	{
		displayName: 'Ask For',
		name: 'askFor',
		type: 'options',
		default: 'question',
		options: [
			{
				name: 'Fields',
				value: 'fields',
				description: 'Typed values to extract; each field becomes an output key (e.g. budget, next_step)',
			},
			{ name: 'Question', value: 'question', description: 'A question in plain words; the output has answer' },
		],
	},
	{
		displayName: 'Question',
		name: 'question',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		required: true,
		placeholder: 'What budget did the customer name?',
		displayOptions: { show: { askFor: ['question'] } },
	},
	{
		displayName: 'Fields',
		name: 'fields',
		...askFieldsCollection,
		description: 'The values to extract; the output has one key per field, typed as declared or null',
		displayOptions: { show: { askFor: ['fields'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Wait (Seconds)',
				name: 'wait',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: ASK_MAX_WAIT_SECONDS },
				default: 0,
				description:
					'If the job is still running, wait up to this long; after that the item carries the IDs and the current status',
			},
		],
	},
];

export const description: INodeProperties[] = updateDisplayOptions(showOnlyForAsk, properties);

/** POST /v1/conversations/{id}/ask: the answer, or the IDs and status while the job still runs. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const conversationId = conversationIdOf.call(this, itemIndex);
	const askFor = this.getNodeParameter('askFor', itemIndex, 'question') as string;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const body: IDataObject = {};
	if (askFor === 'fields') {
		const fields = askFieldsOf(this.getNodeParameter('fields', itemIndex, {}));
		if (fields.length === 0) {
			throw new NodeOperationError(this.getNode(), 'No fields to extract', {
				itemIndex,
				description: 'Add at least one field with a key and a description.',
			});
		}
		body.fields = fields;
	} else {
		const question = String(this.getNodeParameter('question', itemIndex, '') ?? '').trim();
		if (question === '') {
			throw new NodeOperationError(this.getNode(), 'The question is empty', { itemIndex });
		}
		body.question = question;
	}
	if (typeof options.wait === 'number' && options.wait > 0) {
		body.wait = Math.min(options.wait, ASK_MAX_WAIT_SECONDS);
	}

	const response = await facadeRequest.call(this, {
		method: 'POST',
		path: `/v1/conversations/${encodeURIComponent(conversationId)}/ask`,
		body,
		timeoutMs: MAX_CALL_MS,
	});
	return [response.status === 200 ? response.body : pendingResult(response.body)];
}
