/**
 * Wait for a long job without holding the execution: n8n's own "send and wait" pattern.
 *
 * The node submits with `callback_url` = this execution's resume URL (`$execution.resumeUrl`,
 * which carries n8n's resume token), puts the execution to wait, and n8n stores it. When the
 * connector POSTs the job's end to that URL, n8n calls the node's `webhook()`: the callback body
 * is not trusted, the job and its insights are fetched again with the node's credentials, and
 * the flat insights become the node's output. A callback for a job that has not ended (or that
 * this API key does not know) is refused and the execution keeps waiting.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { FacadeApiError, facadeRequest, MAX_CALL_MS } from '../transport';
import { splitActionItems } from './items';

export type WaitMode = 'auto' | 'callback' | 'poll';

/**
 * The resume webhook (`restartWebhook`: only served for a waiting execution, at
 * `/webhook-waiting/<execution id>`). Not a trigger: nothing is registered with the connector
 * on activation, so the node has no `webhookMethods` (as n8n's own send-and-wait nodes).
 */
export const resumeWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		path: '',
		restartWebhook: true,
		isFullPath: true,
	},
];

/** True for an https URL whose host is not loopback or a private address (what the connector can reach by default). */
export function isPublicHttpsUrl(url: string): boolean {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return false;
	}
	if (parsed.protocol !== 'https:') return false;
	const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host === '::1') return false;
	const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
	if (v4) {
		const [a, b] = [Number(v4[1]), Number(v4[2])];
		if (a === 10 || a === 127 || a === 0 || (a === 169 && b === 254)) return false;
		if ((a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return false;
	}
	if (/^f[cd][0-9a-f]{2}:/.test(host) || host.startsWith('fe80:')) return false;
	return true;
}

/**
 * The resume URL to hand the connector, or undefined to poll instead. `auto` uses the callback
 * only when n8n's webhook URL is public https and the node runs for one item in a normal
 * execution (several items each need their own wait; an AI tool call cannot be parked).
 */
export function resumeUrlFor(this: IExecuteFunctions, mode: WaitMode): string | undefined {
	if (mode === 'poll') return undefined;
	if (this.getInputData().length !== 1) return undefined;
	if (typeof this.isToolExecution === 'function' && this.isToolExecution()) return undefined;
	const url = String(this.evaluateExpression('{{ $execution.resumeUrl }}', 0) ?? '');
	if (!/^https?:\/\//.test(url)) return undefined;
	if (mode === 'callback') return url;
	return isPublicHttpsUrl(url) ? url : undefined;
}

function refuse(this: IWebhookFunctions, status: number, code: string, message: string): IWebhookResponseData {
	this.logger.warn(`Symbl: resume callback refused (${code}): ${message}`);
	this.getResponseObject().status(status).json({ error: { code, message } });
	return { noWebhookResponse: true };
}

/** The resume webhook: re-read the job with the credentials, then output its insights (or its failure). */
export async function resumeWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const body = this.getBodyData() as IDataObject;
	const jobId = String(body.job_id ?? '');
	if (jobId === '') return refuse.call(this, 400, 'invalid_request', 'The callback names no job_id');
	let job: IDataObject;
	try {
		job = (await facadeRequest.call(this, { method: 'GET', path: `/v1/jobs/${encodeURIComponent(jobId)}`, timeoutMs: 15_000 })).body;
	} catch (error) {
		const status = error instanceof FacadeApiError && error.status === 404 ? 404 : 503;
		return refuse.call(this, status, 'job_not_confirmed', `The connector does not confirm job ${jobId}: ${(error as Error).message}`);
	}
	const status = String(job.status ?? '');
	const conversationId = String(job.conversation_id ?? '');
	if (status === 'failed') {
		const failed: IDataObject = {
			conversation_id: conversationId,
			job_id: jobId,
			status,
			error: job.error ?? { code: 'job_failed', message: 'Symbl reported the job as failed' },
		};
		return { workflowData: [this.helpers.returnJsonArray([failed])] };
	}
	if (status !== 'completed') {
		return refuse.call(this, 409, 'job_not_finished', `Job ${jobId} is ${status || 'unknown'}; still waiting`);
	}
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const qs: IDataObject = { format: 'flat' };
	if (Array.isArray(options.include) && options.include.length > 0) qs.include = (options.include as string[]).join(',');
	const insights = await facadeRequest.call(this, {
		method: 'GET',
		path: `/v1/conversations/${encodeURIComponent(conversationId)}/insights`,
		qs,
		timeoutMs: MAX_CALL_MS,
	});
	const split = this.getNodeParameter('splitLineItems', false) as boolean;
	const payloads = split ? splitActionItems(insights.body) : [insights.body];
	return { workflowData: [this.helpers.returnJsonArray(payloads)] };
}
