/**
 * Test doubles: an IExecuteFunctions built from a parameter table, and a scripted facade that
 * stands in for `transport/facadeRequest` (the only thing the unit tests mock).
 */
import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';

import type { FacadeRequest, FacadeResponse } from '../nodes/Symbl/transport';
import { FacadeApiError } from '../nodes/Symbl/transport';
import flatSample from './fixtures/flat-sample.json';

export const FLAT = flatSample as unknown as IDataObject;

export const NODE: INode = {
	id: 'node-1',
	name: 'Symbl',
	type: 'n8n-nodes-symbl-connector.symbl',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

type ParamValue = unknown | ((itemIndex: number) => unknown);

export interface FakeOptions {
	params: Record<string, ParamValue>;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	/** What `{{ $execution.resumeUrl }}` evaluates to (default: a loopback URL, so Auto polls). */
	resumeUrl?: string;
	/** Receives the dates passed to putExecutionToWait. */
	waits?: Date[];
}

export function fakeExecute(options: FakeOptions): IExecuteFunctions {
	const items: INodeExecutionData[] = options.items ?? [{ json: {} }];
	const fake = {
		getInputData: () => items,
		getNode: () => NODE,
		continueOnFail: () => options.continueOnFail ?? false,
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => {
			const value = options.params[name];
			const resolved = typeof value === 'function' ? (value as (i: number) => unknown)(itemIndex) : value;
			return resolved === undefined ? fallback : resolved;
		},
		getCredentials: async () => ({ url: 'http://facade.test', apiKey: 'k' }),
		evaluateExpression: (expression: string) =>
			expression.includes('$execution.resumeUrl')
				? (options.resumeUrl ?? 'http://localhost:5678/webhook-waiting/7?signature=t')
				: expression,
		putExecutionToWait: async (date: Date) => {
			options.waits?.push(date);
		},
		isToolExecution: () => false,
		helpers: {
			prepareBinaryData: async (data: Buffer, fileName?: string, mimeType?: string): Promise<IBinaryData> => ({
				data: data.toString('base64'),
				fileName,
				mimeType: mimeType ?? 'application/octet-stream',
				fileSize: String(data.length),
			}),
			returnJsonArray: (data: IDataObject | IDataObject[]) =>
				(Array.isArray(data) ? data : [data]).map((json) => ({ json })),
			constructExecutionMetaData: (data: INodeExecutionData[], meta: { itemData: { item: number } }) =>
				data.map((entry) => ({ ...entry, pairedItem: meta.itemData })),
			assertBinaryData: (itemIndex: number, property: string): IBinaryData => {
				const binary = items[itemIndex].binary?.[property];
				if (!binary) throw new Error(`No binary data in property "${property}"`);
				return binary;
			},
			getBinaryDataBuffer: async (itemIndex: number, property: string) =>
				Buffer.from(items[itemIndex].binary?.[property]?.data ?? '', 'base64'),
		},
	};
	return fake as unknown as IExecuteFunctions;
}

export type Route = (request: FacadeRequest) => FacadeResponse | Promise<FacadeResponse>;

/** A facade that answers from a list of [method path-prefix, handler] and records every call. */
export class ScriptedFacade {
	calls: FacadeRequest[] = [];

	constructor(private routes: Array<[string, Route]>) {}

	handle = async (request: FacadeRequest): Promise<FacadeResponse> => {
		this.calls.push(request);
		const key = `${request.method} ${request.path}`;
		const route = this.routes.find(([prefix]) => key.startsWith(prefix));
		if (!route) throw new Error(`unexpected facade call ${key}`);
		return await route[1](request);
	};

	paths(): string[] {
		return this.calls.map((call) => `${call.method} ${call.path}`);
	}
}

export const ok = (body: IDataObject, status = 200): FacadeResponse => ({ status, body, headers: {} });

export const ME = ok({ key_id: 'key_test', mode: 'sandbox', max_wait_seconds: 300 });

export function facadeError(status: number, code: string, message: string, details: unknown = null, retryAfter?: number) {
	return new FacadeApiError(NODE, status, { error: { code, message, details } } as IDataObject, retryAfter);
}
