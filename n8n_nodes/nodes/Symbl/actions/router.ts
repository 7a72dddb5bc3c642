/**
 * Dispatch each input item to its operation; one place for paired items and continueOnFail.
 *
 * An operation returns one or more payloads for an item (several with "Split Line Items");
 * each becomes an output item paired with its input. On error with "Continue On Fail" the item
 * carries `error`, `code` and any conversation/job IDs known so far.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { FacadeApiError } from '../transport';
import { WithBinary } from '../helpers/binary';
import { StillProcessingError } from '../helpers/waiter';
import * as batch from './batch/Batch.resource';
import * as conversation from './conversation/Conversation.resource';
import * as job from './job/Job.resource';
import * as tracker from './tracker/Tracker.resource';
import type { SymblResource } from './node.type';

type Operation = (this: IExecuteFunctions, itemIndex: number) => Promise<Array<IDataObject | WithBinary>>;

const operations: Record<Exclude<SymblResource, 'batch'>, Record<string, { execute: Operation }>> = {
	conversation: {
		process: conversation.process,
		append: conversation.append,
		ask: conversation.ask,
		getInsights: conversation.getInsights,
		getAll: conversation.getAll,
	},
	job: { getStatus: job.getStatus },
	tracker: { createOrUpdate: tracker.createOrUpdate, getAll: tracker.getAll },
};

/** The JSON of an error item: the message a person can act on plus the IDs to retry with. */
export function errorJson(error: Error): IDataObject {
	const json: IDataObject = { error: error.message };
	if (error instanceof FacadeApiError) {
		json.code = error.code;
		json.status = error.status;
		const details = error.details as IDataObject | null;
		if (details && typeof details === 'object' && !Array.isArray(details)) {
			if (details.conversation_id) json.conversation_id = details.conversation_id;
			if (details.job_id) json.job_id = details.job_id;
		}
	} else if (error instanceof StillProcessingError) {
		json.code = 'still_processing';
		json.conversation_id = error.conversationId;
		json.job_id = error.jobId;
	}
	return json;
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as SymblResource;
	const operation = this.getNodeParameter('operation', 0) as string;
	if (resource === 'batch') {
		// All input items form one batch: one request, one output item per input item.
		try {
			return [await batch.process.executeAll.call(this)];
		} catch (error) {
			if (this.continueOnFail()) {
				return [items.map((_, item) => ({ json: errorJson(error as Error), pairedItem: { item } }))];
			}
			if (error instanceof NodeApiError) throw new NodeApiError(this.getNode(), error as unknown as JsonObject);
			throw new NodeOperationError(this.getNode(), error as Error);
		}
	}
	const handler = operations[resource]?.[operation];
	if (handler === undefined) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not known for "${resource}"`);
	}

	const returnData: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const payloads = await handler.execute.call(this, itemIndex);
			for (const payload of payloads) {
				const item: INodeExecutionData =
					payload instanceof WithBinary
						? { json: payload.json, binary: payload.binary, pairedItem: { item: itemIndex } }
						: { json: payload, pairedItem: { item: itemIndex } };
				returnData.push(item);
			}
		} catch (error) {
			if (this.continueOnFail()) {
				returnData.push({ json: errorJson(error as Error), pairedItem: { item: itemIndex } });
				continue;
			}
			// Wrapping an n8n error hands back the same object: set the item on it first.
			if (error instanceof NodeApiError) {
				error.context.itemIndex = itemIndex;
				throw new NodeApiError(this.getNode(), error as unknown as JsonObject, { itemIndex });
			}
			if (error instanceof NodeOperationError) error.context.itemIndex = itemIndex;
			throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		}
	}
	return [returnData];
}
