import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { router } from '../../../nodes/Symbl/actions/router';
import { facadeRequest } from '../../../nodes/Symbl/transport';
import { FLAT, ME, ScriptedFacade, facadeError, fakeExecute, ok } from '../../helpers';

jest.mock('../../../nodes/Symbl/transport', () => ({
	...jest.requireActual('../../../nodes/Symbl/transport'),
	facadeRequest: jest.fn(),
}));
jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn() }));

const facadeMock = facadeRequest as unknown as jest.Mock;
const sleepMock = sleep as unknown as jest.Mock;

const PENDING = { conversation_id: 'c1', job_id: 'j1', status: 'in_progress', links: { job: 'x', insights: 'y' } };

function params(extra: Record<string, unknown> = {}) {
	return {
		resource: 'conversation',
		operation: 'process',
		inputType: 'transcript',
		transcript: 'Alice: Hi\nBob: Hello',
		waitForCompletion: true,
		maxWaitSeconds: 900,
		splitLineItems: false,
		options: {},
		...extra,
	};
}

let clock = 1_000_000;

beforeEach(() => {
	facadeMock.mockReset();
	sleepMock.mockReset();
	clock = 1_000_000;
	jest.spyOn(Date, 'now').mockImplementation(() => clock);
	sleepMock.mockImplementation(async (ms: number) => {
		clock += ms;
	});
});

afterEach(() => jest.restoreAllMocks());

function use(facade: ScriptedFacade) {
	facadeMock.mockImplementation(facade.handle);
}

describe('Conversation → Process', () => {
	it('returns the flat insights when the facade completes within the first long-poll', async () => {
		const facade = new ScriptedFacade([
			['GET /v1/me', () => ME],
			['POST /v1/conversations', () => ok(FLAT)],
		]);
		use(facade);

		const [out] = await router.call(fakeExecute({ params: params({ options: { name: 'Call', speakerCount: 2 } }) }));

		expect(out).toHaveLength(1);
		expect(out[0].json.slack_text).toBe(FLAT.slack_text);
		expect(out[0].pairedItem).toEqual({ item: 0 });
		const post = facade.calls[1];
		expect(post.body).toEqual({ transcript: 'Alice: Hi\nBob: Hello', name: 'Call', speaker_count: 2, wait: 50 });
	});

	it('sends the picked saved trackers as tracker_names', async () => {
		const facade = new ScriptedFacade([
			['GET /v1/me', () => ME],
			['POST /v1/conversations', () => ok(FLAT)],
		]);
		use(facade);

		await router.call(fakeExecute({ params: params({ options: { trackerNames: ['Competitor', 'EU, pricing'] } }) }));
		expect(facade.calls[1].body).toMatchObject({ tracker_names: ['Competitor', 'EU, pricing'] });

		await router.call(fakeExecute({ params: params({ options: { trackerNames: 'Competitor, Pricing' } }) }));
		expect(facade.calls[3].body).toMatchObject({ tracker_names: ['Competitor', 'Pricing'] });

		await router.call(fakeExecute({ params: params({ options: { trackerNames: [] } }) }));
		expect(facade.calls[5].body).not.toHaveProperty('tracker_names');
	});

	it('polls the job with the long-poll, then reads the flat insights', async () => {
		let polls = 0;
		const facade = new ScriptedFacade([
			['GET /v1/me', () => ME],
			['POST /v1/conversations', () => ok(PENDING, 202)],
			['GET /v1/jobs/j1', () => {
				polls += 1;
				clock += 50_000;
				return ok({ ...PENDING, status: polls < 2 ? 'in_progress' : 'completed' });
			}],
			['GET /v1/conversations/c1/insights', () => ok(FLAT)],
		]);
		use(facade);

		const [out] = await router.call(fakeExecute({ params: params({ options: { include: ['summary', 'action_items'] } }) }));

		expect(out[0].json.conversation_id).toBe(FLAT.conversation_id);
		expect(facade.paths()).toEqual([
			'GET /v1/me',
			'POST /v1/conversations',
			'GET /v1/jobs/j1',
			'GET /v1/jobs/j1',
			'GET /v1/conversations/c1/insights',
		]);
		for (const call of facade.calls.filter((c) => c.path.startsWith('/v1/jobs'))) {
			expect((call.qs as IDataObject).wait).toBeLessThanOrEqual(50);
			expect(call.timeoutMs).toBeLessThan(60_000);
		}
		expect(facade.calls[4].qs).toEqual({ format: 'flat', include: 'summary,action_items' });
	});

	it('never asks for a longer long-poll than the facade allows', async () => {
		const facade = new ScriptedFacade([
			['GET /v1/me', () => ok({ max_wait_seconds: 20 })],
			['POST /v1/conversations', () => ok(FLAT)],
		]);
		use(facade);
		await router.call(fakeExecute({ params: params() }));
		expect((facade.calls[1].body as IDataObject).wait).toBe(20);
	});

	it('returns the IDs at once when not waiting', async () => {
		const facade = new ScriptedFacade([['POST /v1/conversations', () => ok(PENDING, 202)]]);
		use(facade);

		const [out] = await router.call(fakeExecute({ params: params({ waitForCompletion: false }) }));

		expect(out[0].json).toEqual(PENDING);
		expect((facade.calls[0].body as IDataObject).wait).toBe(0);
	});

	it('sends a recording URL with its media type and the callback URL', async () => {
		const facade = new ScriptedFacade([['POST /v1/conversations', () => ok(PENDING, 202)]]);
		use(facade);

		await router.call(
			fakeExecute({
				params: params({
					inputType: 'url',
					url: ' https://example.com/a.mp4 ',
					mediaType: 'video_url',
					waitForCompletion: false,
					options: { callbackUrl: 'https://n8n.example.com/webhook-waiting/1', idempotencyKey: 'k-1' },
				}),
			}),
		);

		expect(facade.calls[0].body).toEqual({
			url: 'https://example.com/a.mp4',
			type: 'video_url',
			callback_url: 'https://n8n.example.com/webhook-waiting/1',
			wait: 0,
		});
		expect(facade.calls[0].headers).toEqual({ 'Idempotency-Key': 'k-1' });
	});

	it('uploads a binary property as the multipart field "file"', async () => {
		const facade = new ScriptedFacade([['POST /v1/conversations', () => ok(PENDING, 202)]]);
		use(facade);
		const items = [
			{
				json: {},
				binary: {
					audio: { data: Buffer.from('RIFF-audio').toString('base64'), mimeType: 'audio/wav', fileName: 'call.wav' },
				},
			},
		];

		await router.call(
			fakeExecute({
				items,
				params: params({
					inputType: 'binary',
					binaryPropertyName: 'audio',
					waitForCompletion: false,
					options: { trackers: { tracker: [{ name: 'Competitor', vocabulary: 'Acme, Globex' }] } },
				}),
			}),
		);

		const call = facade.calls[0];
		const contentType = String((call.headers as IDataObject)['Content-Type']);
		expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
		const text = (call.body as Buffer).toString('utf8');
		expect(text).toContain('name="file"; filename="call.wav"\r\nContent-Type: audio/wav\r\n\r\nRIFF-audio');
		expect(text).toContain('name="trackers"\r\n\r\n[{"name":"Competitor","vocabulary":["Acme","Globex"]}]');
		expect(text).toContain('name="wait"\r\n\r\n0');
	});

	it('splits action items into one item each, paired with the input', async () => {
		use(new ScriptedFacade([['GET /v1/me', () => ME], ['POST /v1/conversations', () => ok(FLAT)]]));

		const [out] = await router.call(fakeExecute({ params: params({ splitLineItems: true }) }));

		const actionItems = FLAT.action_items as IDataObject[];
		expect(out).toHaveLength(actionItems.length);
		expect(out[1].json).toMatchObject({
			...actionItems[1],
			conversation_id: FLAT.conversation_id,
			summary: FLAT.summary,
			action_item_index: 1,
			action_item_count: actionItems.length,
		});
		expect(out.every((item) => (item.pairedItem as unknown as IDataObject).item === 0)).toBe(true);
	});

	it('throws the job_failed error with the IDs when Symbl fails the job', async () => {
		use(
			new ScriptedFacade([
				['GET /v1/me', () => ME],
				['POST /v1/conversations', () => ok(PENDING, 202)],
				['GET /v1/jobs/j1', () => ok({ ...PENDING, status: 'failed', error: { code: 'x', message: 'Audio could not be decoded' } })],
			]),
		);

		await expect(router.call(fakeExecute({ params: params() }))).rejects.toMatchObject({
			message: 'Audio could not be decoded',
			code: 'job_failed',
			details: { conversation_id: 'c1', job_id: 'j1' },
		});
	});

	it('stops at the maximum wait with an error that names the conversation and job', async () => {
		use(
			new ScriptedFacade([
				['GET /v1/me', () => ME],
				['POST /v1/conversations', () => {
					clock += 20_000;
					return ok(PENDING, 202);
				}],
				['GET /v1/jobs/j1', (request) => {
					clock += Number((request.qs as IDataObject).wait) * 1000;
					return ok(PENDING);
				}],
			]),
		);

		const [out] = await router.call(fakeExecute({ params: params({ maxWaitSeconds: 120 }), continueOnFail: true }));

		expect(out[0].json).toMatchObject({ code: 'still_processing', conversation_id: 'c1', job_id: 'j1' });
		expect(String(out[0].json.error)).toContain('still processing after 120 s');
	});

	it('waits out 429 with Retry-After using sleep, then carries on', async () => {
		let first = true;
		use(
			new ScriptedFacade([
				['GET /v1/me', () => ME],
				['POST /v1/conversations', () => ok(PENDING, 202)],
				['GET /v1/jobs/j1', () => {
					if (first) {
						first = false;
						throw facadeError(429, 'rate_limited', 'Slow down', null, 7);
					}
					return ok({ ...PENDING, status: 'completed' });
				}],
				['GET /v1/conversations/c1/insights', () => ok(FLAT)],
			]),
		);

		const [out] = await router.call(fakeExecute({ params: params() }));

		expect(sleepMock).toHaveBeenCalledWith(7000);
		expect(out[0].json.summary).toBe(FLAT.summary);
	});

	it('with Continue On Fail, keeps going and puts the facade message on the failed item', async () => {
		use(
			new ScriptedFacade([
				['POST /v1/conversations', (request) => {
					if ((request.body as IDataObject).transcript === 'bad') {
						throw facadeError(400, 'invalid_request', 'transcript: must not be blank', [{ field: 'transcript' }]);
					}
					return ok(PENDING, 202);
				}],
			]),
		);
		const items = [{ json: { t: 'bad' } }, { json: { t: 'Alice: ok' } }];

		const [out] = await router.call(
			fakeExecute({
				items,
				continueOnFail: true,
				params: params({ waitForCompletion: false, transcript: (i: number) => items[i].json.t }),
			}),
		);

		expect(out[0]).toEqual({
			json: { error: 'transcript: must not be blank', code: 'invalid_request', status: 400 },
			pairedItem: { item: 0 },
		});
		expect(out[1]).toEqual({ json: PENDING, pairedItem: { item: 1 } });
	});

	it('without Continue On Fail, throws the facade message with the item index', async () => {
		use(new ScriptedFacade([['POST /v1/conversations', () => { throw facadeError(401, 'unauthorized', 'Unknown API key'); }]]));

		await expect(router.call(fakeExecute({ params: params({ waitForCompletion: false }) }))).rejects.toMatchObject({
			message: 'Unknown API key',
			httpCode: '401',
			context: { itemIndex: 0 },
		});
	});

	it('refuses an empty transcript before calling the facade', async () => {
		const facade = new ScriptedFacade([['GET /v1/me', () => ME]]);
		use(facade);
		await expect(router.call(fakeExecute({ params: params({ transcript: '  ' }) }))).rejects.toThrow('The transcript is empty');
		expect(facade.paths()).toEqual(['GET /v1/me']);
	});
});
