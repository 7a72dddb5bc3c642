/**
 * Batch → Process: every input item becomes one item of a single `POST /v1/batches`, which the
 * connector sends to Symbl as its concurrency limit allows. Items with a key already processed
 * are not sent again (they point to the earlier conversation). With "Wait for Completion" the
 * node polls the batch until it is done (or the maximum wait) and outputs, per input item, its
 * flat insights; otherwise it outputs the batch and item IDs at once.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { sleep, updateDisplayOptions } from 'n8n-workflow';

import { facadeRequest, MAX_CALL_MS } from '../../transport';
import { fileNameFor } from '../../helpers/binary';
import { INSIGHT_PARTS } from '../conversation/submitFields';

/** Pause between two progress reads of a running batch. */
export const BATCH_POLL_MS = 3_000;

const showOnlyForBatchProcess = { show: { resource: ['batch'], operation: ['process'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Input',
		name: 'batchInputType',
		type: 'options',
		default: 'url',
		options: [
			{ name: 'Recording URL', value: 'url', description: 'A public audio or video URL per item' },
			{ name: 'Transcript Text', value: 'transcript', description: 'Text with one "Speaker: line" per line, per item' },
		],
	},
	{
		displayName: 'Recording URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: '={{ $json.recording_url }}',
		displayOptions: { show: { batchInputType: ['url'] } },
	},
	{
		displayName: 'Transcript',
		name: 'transcript',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: '={{ $json.transcript }}',
		displayOptions: { show: { batchInputType: ['transcript'] } },
	},
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		placeholder: '={{ $json.title }}',
		description: 'The conversation’s name (shown in the insights)',
	},
	{
		displayName: 'Key',
		name: 'key',
		type: 'string',
		default: '',
		placeholder: '={{ $json.recording_id }}',
		description:
			'Your ID for the item, e.g. the recording ID: an item whose key was already processed is not sent again, it returns the earlier conversation',
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait for the whole batch and output each item’s insights; otherwise output the batch and item IDs at once',
	},
	{
		displayName: 'Max Wait (Seconds)',
		name: 'maxWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 10, maxValue: 86400 },
		default: 3600,
		description: 'After this long, output what is finished; unfinished items carry their status and IDs',
		displayOptions: { show: { waitForCompletion: [true] } },
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'items',
		options: [
			{
				name: 'One Item per Input Item',
				value: 'items',
				description: 'The flat insights (or status and IDs) of each input item, paired with it',
			},
			{
				name: 'CSV File',
				value: 'csv',
				description:
					'One item with the batch progress and a CSV of every completed conversation (one row each, ready for a CRM import) as binary data',
			},
		],
		displayOptions: { show: { waitForCompletion: [true] } },
	},
	{
		displayName: 'Put CSV in Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary field the CSV file is output in',
		displayOptions: { show: { waitForCompletion: [true], output: ['csv'] } },
	},
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
				options: INSIGHT_PARTS,
				default: [],
				description: 'Insight parts to compute and fetch (default all)',
			},
			{
				displayName: 'Language',
				name: 'language',
				type: 'string',
				default: '',
				placeholder: 'en-US',
				description: 'BCP-47 language code of the recordings',
			},
		],
	},
];

export const description: INodeProperties[] = updateDisplayOptions(showOnlyForBatchProcess, properties);

function text(this: IExecuteFunctions, name: string, itemIndex: number): string {
	return String(this.getNodeParameter(name, itemIndex, '') ?? '').trim();
}

/** The JSON of one `items[]` entry of the batch request. */
export function batchItem(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const inputType = this.getNodeParameter('batchInputType', 0, 'url') as string;
	const item: IDataObject = {};
	item[inputType === 'transcript' ? 'transcript' : 'url'] = text.call(
		this,
		inputType === 'transcript' ? 'transcript' : 'url',
		itemIndex,
	);
	const name = text.call(this, 'name', itemIndex);
	const key = text.call(this, 'key', itemIndex);
	if (name) item.name = name;
	if (key) item.key = key;
	return item;
}

/** The batch's submit options from the node's Options collection. */
export function batchOptions(this: IExecuteFunctions): IDataObject {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const out: IDataObject = {};
	if (Array.isArray(options.include) && options.include.length > 0) out.include = options.include;
	if (typeof options.language === 'string' && options.language.trim()) out.language = options.language.trim();
	return out;
}

async function progress(this: IExecuteFunctions, batchId: string, items: boolean): Promise<IDataObject> {
	const answer = await facadeRequest.call(this, {
		method: 'GET',
		path: `/v1/batches/${encodeURIComponent(batchId)}`,
		qs: { items: items ? 'true' : 'false' },
		timeoutMs: MAX_CALL_MS,
	});
	return answer.body;
}

/** One item: the batch progress plus `GET /v1/batches/{id}/insights` as a CSV file, paired with every input. */
async function csvReport(this: IExecuteFunctions, batchId: string, inputCount: number): Promise<INodeExecutionData> {
	const report = await progress.call(this, batchId, false);
	const csv = await facadeRequest.call(this, {
		method: 'GET',
		path: `/v1/batches/${encodeURIComponent(batchId)}/insights`,
		headers: { Accept: 'text/csv' },
		rawText: true,
		timeoutMs: MAX_CALL_MS,
	});
	const property = String(this.getNodeParameter('binaryPropertyName', 0, 'data') || 'data');
	const file = await this.helpers.prepareBinaryData(
		Buffer.from(csv.text ?? '', 'utf8'),
		fileNameFor(`symbl-batch-${batchId}`, 'csv'),
		'text/csv',
	);
	const json: IDataObject = {
		batch_id: batchId,
		batch_status: report.status,
		total: report.total,
		counts: report.counts,
		links: report.links,
	};
	return {
		json,
		binary: { [property]: file },
		pairedItem: Array.from({ length: inputCount }, (_, item) => ({ item })),
	};
}

/** Submit all input items as one batch; output one item per input item (paired). */
export async function executeAll(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const inputs = this.getInputData();
	const body: IDataObject = { items: inputs.map((_, i) => batchItem.call(this, i)) };
	const options = batchOptions.call(this);
	if (Object.keys(options).length > 0) body.options = options;
	const created = await facadeRequest.call(this, {
		method: 'POST',
		path: '/v1/batches',
		body,
		timeoutMs: MAX_CALL_MS,
	});
	const batchId = String(created.body.batch_id);
	const wait = this.getNodeParameter('waitForCompletion', 0, true) as boolean;
	if (wait) {
		const maxWaitSeconds = Number(this.getNodeParameter('maxWaitSeconds', 0, 3600));
		const deadline = Date.now() + maxWaitSeconds * 1000;
		let status = String(created.body.status);
		while (status === 'running' && Date.now() < deadline) {
			await sleep(Math.min(BATCH_POLL_MS, Math.max(0, deadline - Date.now())));
			status = String((await progress.call(this, batchId, false)).status);
		}
	}
	if (wait && this.getNodeParameter('output', 0, 'items') === 'csv') {
		return [await csvReport.call(this, batchId, inputs.length)];
	}
	const report = await progress.call(this, batchId, true);
	const reported = (report.items ?? []) as IDataObject[];
	const qs: IDataObject = { format: 'flat' };
	if (Array.isArray(options.include)) qs.include = (options.include as string[]).join(',');
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < inputs.length; i++) {
		const item = reported[i] ?? {};
		const ids: IDataObject = {
			batch_id: batchId,
			batch_status: report.status,
			item: i,
			key: item.key ?? '',
			reused: item.reused ?? false,
		};
		let json: IDataObject = { ...ids, ...item };
		delete json.index;
		if (wait && item.status === 'completed' && item.conversation_id) {
			const insights = await facadeRequest.call(this, {
				method: 'GET',
				path: `/v1/conversations/${encodeURIComponent(String(item.conversation_id))}/insights`,
				qs,
				timeoutMs: MAX_CALL_MS,
			});
			json = { ...insights.body, ...ids };
		}
		out.push({ json, pairedItem: { item: i } });
	}
	return out;
}
