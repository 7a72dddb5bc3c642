/**
 * Read the Process/Append parameters of one item and turn them into the facade request body:
 * JSON for a transcript or a URL, multipart (field `file`) for a binary property.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { askFieldsOf } from '../actions/conversation/askFields';
import { encodeMultipart, toFormFields } from './multipart';

export interface Submission {
	body: IDataObject | Buffer;
	headers: IDataObject;
}

interface TrackerOption {
	name?: string;
	vocabulary?: string;
}

function splitList(value: unknown): string[] {
	return String(value ?? '')
		.split(/[,\n]/)
		.map((entry) => entry.trim())
		.filter((entry) => entry !== '');
}

/** Map the node's "Options" collection onto the facade's option fields (docs/api.md). */
export function symblOptions(options: IDataObject): IDataObject {
	const body: IDataObject = {};
	const copy: Array<[string, string]> = [
		['name', 'name'],
		['language', 'language'],
		['speakerCount', 'speaker_count'],
		['diarization', 'diarization'],
		['detectEntities', 'detect_entities'],
		['enableSummary', 'enable_summary'],
		['enableAllTrackers', 'enable_all_trackers'],
		['confidenceThreshold', 'confidence_threshold'],
		['detectPhrases', 'detect_phrases'],
		['mode', 'mode'],
		['callbackUrl', 'callback_url'],
		['callScore', 'call_score'],
		['conversationType', 'conversation_type'],
		['salesStage', 'sales_stage'],
		['prospectName', 'prospect_name'],
		['scorecardId', 'scorecard_id'],
		['summaryPage', 'summary_page'],
	];
	for (const [from, to] of copy) {
		const value = options[from];
		if (value === undefined || value === null || value === '') continue;
		body[to] = value;
	}
	if (options.customVocabulary !== undefined && options.customVocabulary !== '') {
		body.custom_vocabulary = splitList(options.customVocabulary);
	}
	const trackers = ((options.trackers as IDataObject | undefined)?.tracker ?? []) as TrackerOption[];
	if (trackers.length > 0) {
		body.trackers = trackers
			.filter((tracker) => (tracker.name ?? '').trim() !== '')
			.map((tracker) => ({ name: String(tracker.name).trim(), vocabulary: splitList(tracker.vocabulary) }));
	}
	// Saved trackers, applied by exact name (the facade looks up their phrases).
	const trackerNames = Array.isArray(options.trackerNames)
		? options.trackerNames.map((name) => String(name).trim()).filter((name) => name !== '')
		: splitList(options.trackerNames);
	if (trackerNames.length > 0) body.tracker_names = trackerNames;
	if (Array.isArray(options.include) && options.include.length > 0) {
		body.include = options.include;
	}
	// Questions for Nebula, answered when the job completes (answer, answers).
	const question = String(options.ask ?? '').trim();
	if (question !== '') body.ask = question;
	const fields = askFieldsOf(options.fields);
	if (fields.length > 0) body.fields = fields;
	return body;
}

function idempotencyHeaders(options: IDataObject): IDataObject {
	const key = options.idempotencyKey;
	return typeof key === 'string' && key !== '' ? { 'Idempotency-Key': key } : {};
}

/** Build the request for item `itemIndex`; `wait` is the long-poll the facade may spend on it, `extra` overrides options. */
export async function buildSubmission(
	this: IExecuteFunctions,
	itemIndex: number,
	wait: number,
	extra: IDataObject = {},
): Promise<Submission> {
	const inputType = this.getNodeParameter('inputType', itemIndex) as string;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const fields: IDataObject = { ...symblOptions(options), ...extra, wait };
	const headers = idempotencyHeaders(options);

	if (inputType === 'transcript') {
		const transcript = (this.getNodeParameter('transcript', itemIndex) as string) ?? '';
		if (transcript.trim() === '') {
			throw new NodeOperationError(this.getNode(), 'The transcript is empty', {
				itemIndex,
				description: 'Map a field holding the text, one "Speaker: line" per line.',
			});
		}
		return { body: { transcript, ...fields }, headers };
	}

	if (inputType === 'url') {
		const url = ((this.getNodeParameter('url', itemIndex) as string) ?? '').trim();
		if (url === '') {
			throw new NodeOperationError(this.getNode(), 'The recording URL is empty', { itemIndex });
		}
		const mediaType = this.getNodeParameter('mediaType', itemIndex, 'auto') as string;
		const body: IDataObject = { url, ...fields };
		if (mediaType !== 'auto') body.type = mediaType;
		return { body, headers };
	}

	const propertyName = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
	const binary = this.helpers.assertBinaryData(itemIndex, propertyName);
	const data = await this.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	const boundary = `----n8nSymbl${itemIndex}x${data.length}x${Date.now().toString(16)}`;
	const multipart = encodeMultipart(
		toFormFields(fields),
		{
			field: 'file',
			fileName: binary.fileName ?? `${propertyName}.bin`,
			contentType: binary.mimeType || 'application/octet-stream',
			data,
		},
		boundary,
	);
	return { body: multipart.body, headers: { ...headers, 'Content-Type': multipart.contentType } };
}
