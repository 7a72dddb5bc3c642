import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { conversationIdOf, conversationLocator } from './conversationLocator';
import { WithBinary, withTranscriptFile } from '../../helpers/binary';
import { pendingResult, splitActionItems } from '../../helpers/items';
import { LONG_POLL_SECONDS } from '../../helpers/waiter';
import { facadeRequest, MAX_CALL_MS } from '../../transport';
import { GET_INSIGHTS_PARTS, splitLineItemsField } from './submitFields';

const showOnlyForGetInsights = {
	show: { resource: ['conversation'], operation: ['getInsights'] },
};

const properties: INodeProperties[] = [
	conversationLocator,
	{
		displayName: 'Format',
		name: 'format',
		type: 'options',
		default: 'flat',
		options: [
			{
				name: 'Flat',
				value: 'flat',
				description: 'Ready-to-map fields: summary, action items, slack_text, crm_note…',
			},
			{ name: 'Raw', value: 'raw', description: "Symbl's own answers, keyed by part" },
		],
	},
	{ ...splitLineItemsField, displayOptions: { show: { format: ['flat'] } } },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Include',
				name: 'include',
				type: 'multiOptions',
				options: GET_INSIGHTS_PARTS,
				default: [],
				description:
					'Insight parts to fetch (default all). Call Score waits (up to Wait) for the score; Summary Page URL creates the page once. Named alone, they keep every part.',
			},
			{
				displayName: 'Put Transcript in Binary Field',
				name: 'transcriptBinaryProperty',
				type: 'string',
				default: '',
				placeholder: 'data',
				description:
					'Name of a binary field to output the formatted transcript (transcript_text) in, as a .txt file. Empty: no file.',
			},
			{
				displayName: 'Wait (Seconds)',
				name: 'wait',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: LONG_POLL_SECONDS },
				default: 0,
				description:
					'If the job is still running, wait up to this long; after that the item carries the IDs and the current status',
			},
		],
	},
];

export const description: INodeProperties[] = updateDisplayOptions(showOnlyForGetInsights, properties);

/** GET /v1/conversations/{id}/insights: the insights, or the IDs and status while still running. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<Array<IDataObject | WithBinary>> {
	const conversationId = conversationIdOf.call(this, itemIndex);
	const format = this.getNodeParameter('format', itemIndex, 'flat') as string;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const qs: IDataObject = { format };
	if (Array.isArray(options.include) && options.include.length > 0) {
		qs.include = (options.include as string[]).join(',');
	}
	if (typeof options.wait === 'number' && options.wait > 0) {
		qs.wait = Math.min(options.wait, LONG_POLL_SECONDS);
	}

	const response = await facadeRequest.call(this, {
		method: 'GET',
		path: `/v1/conversations/${encodeURIComponent(conversationId)}/insights`,
		qs,
		timeoutMs: MAX_CALL_MS,
	});
	if (response.status !== 200) return [pendingResult(response.body)];
	if (format === 'flat' && (this.getNodeParameter('splitLineItems', itemIndex, false) as boolean)) {
		return splitActionItems(response.body);
	}
	const binaryProperty = String(options.transcriptBinaryProperty ?? '').trim();
	if (format === 'flat' && binaryProperty !== '') {
		return [await withTranscriptFile.call(this, response.body, binaryProperty)];
	}
	return [response.body];
}
