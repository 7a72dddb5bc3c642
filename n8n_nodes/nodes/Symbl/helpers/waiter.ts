/**
 * Wait for a conversation's job with the facade's long-poll, bounded by a deadline.
 *
 * Each round is one `GET /v1/jobs/{id}?wait=N` with N <= the long-poll cap (so no HTTP call
 * outlives a minute); a completed job is followed by `GET /v1/conversations/{id}/insights`.
 * Throttling (429/503 with Retry-After) is waited out with `sleep`; a failed job and a passed
 * deadline become errors that name the conversation and job, so nothing is lost.
 */
import type { IDataObject, IExecuteFunctions, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { FacadeApiError, facadeRequest, MAX_CALL_MS } from '../transport';

/** Seconds the facade may hold one long-poll open; calls stay under MAX_CALL_MS. */
export const LONG_POLL_SECONDS = 50;

/** Pause between polls when the facade answered early without a terminal status. */
export const MIN_POLL_INTERVAL_MS = 2_000;

const THROTTLED = new Set([429, 503]);

export interface WaitTarget {
	conversationId: string;
	jobId: string;
	include?: string[];
}

/** The job is still running when the user's maximum wait ran out. */
export class StillProcessingError extends NodeOperationError {
	conversationId: string;

	jobId: string;

	constructor(node: INode, target: WaitTarget, waitedSeconds: number) {
		super(node, `The conversation is still processing after ${waitedSeconds} s`, {
			description: `conversation_id ${target.conversationId}, job_id ${target.jobId}. Get the result later with Conversation → Get Insights (or Job → Get Status), or raise "Max Wait (Seconds)".`,
		});
		this.conversationId = target.conversationId;
		this.jobId = target.jobId;
	}
}

/** A job that Symbl reported as failed, in the same shape as the facade's 422 `job_failed`. */
export function jobFailedError(node: INode, job: IDataObject): FacadeApiError {
	const error = (job.error ?? {}) as IDataObject;
	return new FacadeApiError(node, 422, {
		error: {
			code: 'job_failed',
			message: typeof error.message === 'string' ? error.message : 'Symbl reported the job as failed',
			details: { conversation_id: job.conversation_id ?? '', job_id: job.job_id ?? '' },
		},
	});
}

/** The long-poll cap for this facade: its `max_wait_seconds` from `GET /v1/me`, at most LONG_POLL_SECONDS. */
export async function longPollCap(this: IExecuteFunctions): Promise<number> {
	const me = await facadeRequest.call(this, { method: 'GET', path: '/v1/me', timeoutMs: 15_000 });
	const max = Number(me.body.max_wait_seconds);
	return Number.isFinite(max) && max > 0 ? Math.min(LONG_POLL_SECONDS, Math.floor(max)) : 20;
}

/** Poll until the insights are ready (returned), the job failed or the deadline passed (thrown). */
export async function waitForInsights(
	this: IExecuteFunctions,
	target: WaitTarget,
	startedAt: number,
	deadline: number,
	cap: number,
): Promise<IDataObject> {
	for (;;) {
		const remainingMs = deadline - Date.now();
		if (remainingMs <= 0) {
			throw new StillProcessingError(this.getNode(), target, Math.round((Date.now() - startedAt) / 1000));
		}
		const wait = Math.max(0, Math.min(cap, Math.floor(remainingMs / 1000)));
		const roundStart = Date.now();
		try {
			const job = await facadeRequest.call(this, {
				method: 'GET',
				path: `/v1/jobs/${encodeURIComponent(target.jobId)}`,
				qs: { wait },
				timeoutMs: MAX_CALL_MS,
			});
			const status = String(job.body.status ?? '');
			if (status === 'failed') throw jobFailedError(this.getNode(), job.body);
			if (status === 'completed') {
				const qs: IDataObject = { format: 'flat' };
				if (target.include && target.include.length > 0) qs.include = target.include.join(',');
				const insights = await facadeRequest.call(this, {
					method: 'GET',
					path: `/v1/conversations/${encodeURIComponent(target.conversationId)}/insights`,
					qs,
					timeoutMs: MAX_CALL_MS,
				});
				if (insights.status === 200) return insights.body;
			}
		} catch (error) {
			if (!(error instanceof NodeApiError || error instanceof NodeOperationError)) {
				throw new NodeOperationError(this.getNode(), error as Error);
			}
			if (!(error instanceof FacadeApiError) || !THROTTLED.has(error.status)) {
				// Re-wrapping an n8n error returns it unchanged.
				if (error instanceof NodeOperationError) throw new NodeOperationError(this.getNode(), error);
				throw new NodeApiError(this.getNode(), error as unknown as JsonObject);
			}
			const pauseMs = Math.min((error.retryAfterSeconds ?? 5) * 1000, Math.max(0, deadline - Date.now()));
			await sleep(pauseMs);
			continue;
		}
		if (Date.now() - roundStart < 1_000) await sleep(MIN_POLL_INTERVAL_MS);
	}
}
