/**
 * The only place that talks to the Symbl connector (the facade).
 *
 * Every call goes through `facadeRequest`: the base URL comes from the credentials, the Bearer
 * header from the credential's `authenticate`, each call has a timeout under a minute, and any
 * non-2xx answer becomes a `FacadeApiError` carrying the facade's own `error.message`.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IWebhookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

export const CREDENTIAL_NAME = 'symblConnectorApi';

/** No single HTTP call may take longer than this (the facade's long-poll is kept below it). */
export const MAX_CALL_MS = 58_000;

export type FacadeContext = IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions | IWebhookFunctions;

export interface FacadeRequest {
	method: IHttpRequestMethods;
	path: string;
	qs?: IDataObject;
	body?: IDataObject | Buffer;
	headers?: IDataObject;
	timeoutMs?: number;
	/** Keep the answer as text (e.g. CSV) in `text` instead of parsing JSON. */
	rawText?: boolean;
}

export interface FacadeResponse {
	status: number;
	body: IDataObject;
	headers: IDataObject;
	text?: string;
}

/** A non-2xx answer from the facade, with its stable code and the `Retry-After` seconds if any. */
export class FacadeApiError extends NodeApiError {
	code: string;

	status: number;

	details: unknown;

	retryAfterSeconds: number | undefined;

	constructor(node: INode, status: number, body: IDataObject, retryAfterSeconds?: number) {
		const error = (body.error ?? {}) as IDataObject;
		const code = typeof error.code === 'string' ? error.code : `http_${status}`;
		const message =
			typeof error.message === 'string' && error.message !== ''
				? error.message
				: `The Symbl connector answered HTTP ${status}`;
		super(node, body as JsonObject, {
			message,
			description: describe(code, error.details),
			httpCode: String(status),
		});
		// NodeApiError may replace the message with a generic one for some statuses: keep the facade's.
		this.message = message;
		this.code = code;
		this.status = status;
		this.details = error.details ?? null;
		this.retryAfterSeconds = retryAfterSeconds;
	}
}

function describe(code: string, details: unknown): string {
	if (details === undefined || details === null) return `Error code: ${code}`;
	return `Error code: ${code}. Details: ${JSON.stringify(details)}`;
}

/** Strip trailing slashes (and an accidental /v1) from the configured connector URL. */
export function normaliseBaseUrl(url: string): string {
	return url.trim().replace(/\/+$/, '').replace(/\/v1$/, '');
}

function headerValue(headers: IDataObject, name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return value === undefined || value === null ? undefined : String(value);
}

function parseBody(raw: unknown): IDataObject {
	if (raw === undefined || raw === null || raw === '') return {};
	if (Buffer.isBuffer(raw)) return parseBody(raw.toString('utf8'));
	if (typeof raw === 'string') {
		try {
			const parsed: unknown = JSON.parse(raw);
			return typeof parsed === 'object' && parsed !== null ? (parsed as IDataObject) : { value: parsed } as IDataObject;
		} catch {
			return { error: { code: 'invalid_response', message: raw.slice(0, 500) } };
		}
	}
	return raw as IDataObject;
}

/** Call the facade once; resolve with status and JSON body for 2xx, throw `FacadeApiError` otherwise. */
export async function facadeRequest(this: FacadeContext, request: FacadeRequest): Promise<FacadeResponse> {
	const credentials = await this.getCredentials(CREDENTIAL_NAME);
	const options: IHttpRequestOptions = {
		method: request.method,
		baseURL: normaliseBaseUrl(String(credentials.url ?? '')),
		url: request.path,
		qs: request.qs,
		headers: { Accept: 'application/json', ...(request.headers ?? {}) },
		timeout: Math.min(request.timeoutMs ?? 30_000, MAX_CALL_MS),
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	if (request.body !== undefined) {
		options.body = request.body;
		options.json = !Buffer.isBuffer(request.body);
	} else {
		options.json = !request.rawText;
	}
	if (request.rawText) options.encoding = 'text';

	let response: { statusCode: number; body: unknown; headers: IDataObject };
	try {
		response = await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_NAME, options);
	} catch (error) {
		// n8n may already have wrapped it (wrapping then returns the same object) and replaced the
		// message with a generic one: state the connector URL and the cause either way.
		const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
		const wrapped = new NodeApiError(this.getNode(), error as JsonObject);
		wrapped.message = `Could not reach the Symbl connector at ${options.baseURL}: ${cause}`;
		wrapped.description =
			'Check the Connector URL in the credentials and that the connector is running.';
		throw wrapped;
	}

	const status = response.statusCode;
	const body = parseBody(response.body);
	const headers = response.headers ?? {};
	if (status >= 200 && status < 300) {
		if (request.rawText) {
			const raw = response.body;
			const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : JSON.stringify(raw ?? '');
			return { status, body: {}, headers, text };
		}
		return { status, body, headers };
	}

	const retryAfter = Number(headerValue(headers, 'retry-after'));
	throw new FacadeApiError(
		this.getNode(),
		status,
		body,
		Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
	);
}
