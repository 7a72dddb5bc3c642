'use strict';

const { App, appTester, authData, runWithCallbackUrl, startReceiver, asZapierRequest } = require('../support/app');
const { startStub } = require('../support/stub_server');
const contract = require('../../lib/contract');

const PERFORM = 'creates.process_conversation.operation.perform';
const { performResume } = App.creates.process_conversation.operation;
const CONTRACT_KEYS = Object.keys(contract.emptyInsights()).sort();

const SHORT =
  'Dana: Thanks for joining, Marco. I will send you the revised pricing proposal by Friday.\n' +
  'Marco: Great. Can you also include the onboarding plan?\n' +
  'Dana: Yes. Could we schedule a follow-up call next Tuesday?';
const LONG = Array.from({ length: 30 }, (_, i) => `Dana: Point ${i} of the renewal: we will send the proposal by Friday and review the onboarding plan.`).join('\n');

const bundle = (inputData, meta = {}) => ({ authData: authData(), inputData, meta });

describe('Process Conversation', () => {
  let receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());

  it('while the editor loads a sample: returns the real flat insights, no callback', async () => {
    const out = await runWithCallbackUrl(PERFORM, bundle({ transcript: SHORT, name: 'Sample call' }, { isLoadingSample: true }), receiver.url('/unused'));
    expect(out.status).not.toBe('CALLBACK');
    expect(out.results).toMatchObject({ status: 'completed', name: 'Sample call', conversation_id: expect.any(String) });
    expect(out.results.summary).not.toBe('');
    expect(Object.keys(out.results).sort()).toEqual(CONTRACT_KEYS);
  });

  it('short text in a live run: the insights at once, and the callback resumes with the same result', async () => {
    const out = await runWithCallbackUrl(PERFORM, bundle({ transcript: SHORT }), receiver.url('/short'));
    expect(out.status).toBe('CALLBACK');
    expect(out.results.status).toBe('completed');

    const hit = await receiver.next((h) => h.json && h.json.job_id === out.results.job_id);
    const resumed = await appTester(performResume, { ...bundle({ transcript: SHORT }), outputData: out.results, ...asZapierRequest(hit) });
    expect(resumed).toMatchObject({ conversation_id: out.results.conversation_id, job_id: out.results.job_id, status: 'completed' });
    expect(resumed.summary).toBe(out.results.summary);
  });

  it('long text: waits through the callback; performResume returns the flat insights the facade posts', async () => {
    const out = await runWithCallbackUrl(PERFORM, bundle({ transcript: LONG, name: 'Renewal' }), receiver.url('/long'));
    expect(out.status).toBe('CALLBACK');
    expect(['queued', 'scheduled', 'in_progress']).toContain(out.results.status);
    expect(out.results.summary).toBe('');

    const hit = await receiver.next((h) => h.json && h.json.job_id === out.results.job_id);
    expect(hit.headers['x-connector-event']).toBe('conversation.completed');
    expect(hit.json).toMatchObject({ event: 'conversation.completed', event_id: hit.headers['x-connector-event-id'] });
    // (callbacks are signed only when the facade has CONNECTOR_CALLBACK_SECRET; hooks always are)

    const resumed = await appTester(performResume, { ...bundle({ transcript: LONG }), outputData: out.results, ...asZapierRequest(hit) });
    expect(Object.keys(resumed).sort()).toEqual(CONTRACT_KEYS);
    expect(resumed).toMatchObject({ conversation_id: out.results.conversation_id, status: 'completed', name: 'Renewal' });
    expect(resumed.summary).not.toBe('');
    expect(resumed.action_items.length).toBe(resumed.action_item_count);
  });

  it('works with the tester\'s own callback URL (allow-listed on the test facade)', async () => {
    const out = await appTester(App.creates.process_conversation.operation.perform, bundle({ transcript: LONG }));
    expect(out.conversation_id).toMatch(/\S/);
  });

  it('a failed job: performResume raises the failure the facade posts', async () => {
    const failing = `${LONG}\nMarco: sandbox-fail`;
    const out = await runWithCallbackUrl(PERFORM, bundle({ transcript: failing }), receiver.url('/fail'));
    const hit = await receiver.next((h) => h.json && h.json.job_id === out.results.job_id);
    expect(hit.json).toMatchObject({ event: 'conversation.failed', status: 'failed' });

    const err = await appTester(performResume, { ...bundle({ transcript: failing }), outputData: out.results, ...asZapierRequest(hit) }).catch((e) => e);
    expect(JSON.parse(err.message)).toMatchObject({
      code: 'job_failed',
      message: expect.stringContaining(`Symbl could not process conversation ${out.results.conversation_id}`),
    });
  });

  it('a job that fails within the wait: the facade\'s 422 becomes a readable error with the IDs', async () => {
    const err = await appTester(App.creates.process_conversation.operation.perform, bundle({ transcript: 'Marco: sandbox-fail' }, { isLoadingSample: true })).catch((e) => e);
    const parsed = JSON.parse(err.message);
    expect(parsed).toMatchObject({ code: 'job_failed', status: 422 });
    expect(parsed.message).toMatch(/conversation_id \S+, job_id \S+/);
  });

  it('refuses a callback for another conversation', async () => {
    const err = await appTester(performResume, {
      ...bundle({ transcript: SHORT }),
      outputData: { conversation_id: '1111', job_id: 'a' },
      cleanedRequest: { event: 'conversation.completed', conversation_id: '2222', job_id: 'a' },
    }).catch((e) => e);
    expect(JSON.parse(err.message).code).toBe('callback_mismatch');
  });

  it('"Wait for Result" off: returns the IDs at once', async () => {
    const out = await runWithCallbackUrl(PERFORM, bundle({ transcript: LONG, wait_for_result: false }), receiver.url('/nowait'));
    expect(out.status).not.toBe('CALLBACK');
    expect(out.results).toMatchObject({ conversation_id: expect.any(String), job_id: expect.any(String) });
    expect(out.results.links.insights).toContain(`/v1/conversations/${out.results.conversation_id}/insights`);
  });

  it("reports a bad option with the facade's own message", async () => {
    const err = await appTester(App.creates.process_conversation.operation.perform, bundle({ transcript: SHORT, speaker_count: 0 })).catch((e) => e);
    const parsed = JSON.parse(err.message);
    expect(parsed).toMatchObject({ code: 'invalid_request', status: 400 });
    expect(parsed.message).toContain('speaker_count');
  });

  it('uploads a file field: downloads it from its URL and streams it to the facade', async () => {
    const files = await startStub({ status: 200, headers: { 'Content-Type': 'audio/mpeg' }, body: 'ID3-fake-mp3-bytes'.repeat(100) });
    try {
      const out = await runWithCallbackUrl(
        PERFORM,
        bundle({ file: `${files.url}/recordings/call.mp3`, name: 'Uploaded call' }, { isLoadingSample: true }),
        receiver.url('/unused'),
      );
      expect(files.requests[0].headers.authorization).toBeUndefined(); // the key stays with the facade
      expect(out.results).toMatchObject({ name: 'Uploaded call', conversation_id: expect.any(String) });
      expect(['completed', 'queued', 'scheduled', 'in_progress']).toContain(out.results.status);
    } finally {
      await files.close();
    }
  });
});
