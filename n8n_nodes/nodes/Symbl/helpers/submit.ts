/**
 * Submit a conversation (Process) or more of one (Append), then either return at once with the
 * IDs or wait for the flat insights within the user's maximum wait.
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import { facadeRequest, MAX_CALL_MS } from '../transport';
import { pendingResult, splitActionItems } from './items';
import { buildSubmission } from './submission';
import type { WaitMode } from './resume';
import { resumeUrlFor } from './resume';
import { longPollCap, waitForInsights } from './waiter';

export async function submitConversation(
	this: IExecuteFunctions,
	itemIndex: number,
	method: IHttpRequestMethods,
	path: string,
): Promise<IDataObject[]> {
	const waitForCompletion = this.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;

	if (!waitForCompletion) {
		const submission = await buildSubmission.call(this, itemIndex, 0);
		const response = await facadeRequest.call(this, {
			method,
			path,
			body: submission.body,
			headers: submission.headers,
			timeoutMs: MAX_CALL_MS,
		});
		return [response.status === 200 ? response.body : pendingResult(response.body)];
	}

	const startedAt = Date.now();
	const maxWaitSeconds = Math.max(1, this.getNodeParameter('maxWaitSeconds', itemIndex, 900) as number);
	const deadline = startedAt + maxWaitSeconds * 1000;

	const resumeUrl = resumeUrlFor.call(this, this.getNodeParameter('waitMode', itemIndex, 'auto') as WaitMode);
	if (resumeUrl !== undefined) {
		// Send-and-wait: the connector calls this execution's resume URL when the job ends.
		const submission = await buildSubmission.call(this, itemIndex, 0, { callback_url: resumeUrl });
		const submitted = await facadeRequest.call(this, {
			method,
			path,
			body: submission.body,
			headers: submission.headers,
			timeoutMs: MAX_CALL_MS,
		});
		if (submitted.status === 200) {
			const split = this.getNodeParameter('splitLineItems', itemIndex, false) as boolean;
			return split ? splitActionItems(submitted.body) : [submitted.body];
		}
		await this.putExecutionToWait(new Date(deadline));
		return [{ ...pendingResult(submitted.body), waiting_for: 'callback' }];
	}
	const cap = await longPollCap.call(this);
	const submission = await buildSubmission.call(this, itemIndex, Math.min(cap, maxWaitSeconds));
	const response = await facadeRequest.call(this, {
		method,
		path,
		body: submission.body,
		headers: submission.headers,
		timeoutMs: MAX_CALL_MS,
	});

	let flat = response.body;
	if (response.status !== 200) {
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		flat = await waitForInsights.call(
			this,
			{
				conversationId: String(response.body.conversation_id ?? ''),
				jobId: String(response.body.job_id ?? ''),
				include: Array.isArray(options.include) ? (options.include as string[]) : undefined,
			},
			startedAt,
			deadline,
			cap,
		);
	}

	const split = this.getNodeParameter('splitLineItems', itemIndex, false) as boolean;
	return split ? splitActionItems(flat) : [flat];
}
