import type { IExecuteFunctions } from 'n8n-workflow';

import { FacadeApiError, facadeRequest, normaliseBaseUrl } from '../nodes/Symbl/transport';
import { NODE } from './helpers';

function context(respond: jest.Mock, url = 'http://facade.test/'): IExecuteFunctions {
	return {
		getNode: () => NODE,
		getCredentials: async () => ({ url, apiKey: 'secret-key' }),
		helpers: { httpRequestWithAuthentication: respond },
	} as unknown as IExecuteFunctions;
}

describe('transport', () => {
	it('calls through the credential with base URL, timeout and full response', async () => {
		const respond = jest.fn(async () => ({ statusCode: 202, body: { job_id: 'j1' }, headers: {} }));

		const result = await facadeRequest.call(context(respond, 'http://facade.test/v1/'), {
			method: 'POST',
			path: '/v1/conversations',
			body: { transcript: 'x' },
			timeoutMs: 120_000,
		});

		expect(result).toEqual({ status: 202, body: { job_id: 'j1' }, headers: {} });
		const [credentialName, options] = respond.mock.calls[0] as unknown as [string, Record<string, unknown>];
		expect(credentialName).toBe('symblConnectorApi');
		expect(options).toMatchObject({
			method: 'POST',
			baseURL: 'http://facade.test',
			url: '/v1/conversations',
			json: true,
			timeout: 58_000,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		});
		expect(JSON.stringify(options)).not.toContain('secret-key');
	});

	it("turns an error answer into FacadeApiError with the facade's message, code and Retry-After", async () => {
		const respond = jest.fn(async () => ({
			statusCode: 429,
			body: { error: { code: 'rate_limited', message: 'Too many requests; retry in 3 s.', details: null } },
			headers: { 'retry-after': '3' },
		}));

		const error = await facadeRequest
			.call(context(respond), { method: 'GET', path: '/v1/me' })
			.catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(FacadeApiError);
		expect(error).toMatchObject({
			message: 'Too many requests; retry in 3 s.',
			code: 'rate_limited',
			status: 429,
			httpCode: '429',
			retryAfterSeconds: 3,
		});
	});

	it('parses a JSON error body that arrives as text', async () => {
		const respond = jest.fn(async () => ({
			statusCode: 422,
			body: '{"error":{"code":"job_failed","message":"Symbl could not process the audio","details":{"conversation_id":"c1","job_id":"j1"}}}',
			headers: {},
		}));
		await expect(facadeRequest.call(context(respond), { method: 'GET', path: '/v1/x' })).rejects.toMatchObject({
			message: 'Symbl could not process the audio',
			details: { conversation_id: 'c1', job_id: 'j1' },
		});
	});

	it('explains an unreachable connector', async () => {
		const respond = jest.fn(async () => {
			throw new Error('connect ECONNREFUSED 127.0.0.1:9');
		});
		await expect(facadeRequest.call(context(respond), { method: 'GET', path: '/v1/me' })).rejects.toThrow(
			'Could not reach the Symbl connector at http://facade.test: connect ECONNREFUSED 127.0.0.1:9',
		);
	});

	it('normalises the connector URL', () => {
		expect(normaliseBaseUrl(' https://c.example.com/v1// ')).toBe('https://c.example.com');
		expect(normaliseBaseUrl('https://c.example.com')).toBe('https://c.example.com');
	});
});
