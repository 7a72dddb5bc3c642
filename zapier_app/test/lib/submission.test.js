'use strict';

// What the app sends for each waiting mode, checked against a recording stub; the
// operation tests check the same paths end to end against the real facade.
const { App, appTester, runWithCallbackUrl } = require('../support/app');
const { startStub } = require('../support/stub_server');

const PERFORM = 'creates.process_conversation.operation.perform';
const CALLBACK = 'https://hooks.zapier.com/callback/123';
const accepted = {
  status: 202,
  body: { conversation_id: '5083911338573824', job_id: 'job-1', status: 'in_progress', links: { job: 'j', insights: 'i' } },
};

describe('submission modes', () => {
  let stub;
  beforeAll(async () => {
    stub = await startStub(accepted);
  });
  afterAll(() => stub.close());

  const bundle = (inputData, meta = {}) => ({
    authData: { base_url: stub.url, api_key: 'k' },
    inputData,
    meta,
  });
  const lastBody = () => stub.requests[stub.requests.length - 1].json;

  it('short text: waits 20 s and still hands over a callback URL', async () => {
    const out = await runWithCallbackUrl(PERFORM, bundle({ transcript: 'Alice: Hi\nBob: Hello' }), CALLBACK);
    expect(lastBody()).toMatchObject({ transcript: 'Alice: Hi\nBob: Hello', wait: 20, callback_url: CALLBACK });
    expect(out.status).toBe('CALLBACK');
    expect(out.results).toMatchObject({ conversation_id: '5083911338573824', status: 'in_progress', summary: '' });
  });

  it('saved trackers: a list keeps each name whole, mapped text is split on commas', async () => {
    await runWithCallbackUrl(PERFORM, bundle({ transcript: 'Alice: Hi', tracker_names: ['Competitor', 'EU, pricing'], wait_for_result: false }), CALLBACK);
    expect(lastBody().tracker_names).toEqual(['Competitor', 'EU, pricing']);
    await runWithCallbackUrl(PERFORM, bundle({ transcript: 'Alice: Hi', tracker_names: 'Competitor, Pricing', wait_for_result: false }), CALLBACK);
    expect(lastBody().tracker_names).toEqual(['Competitor', 'Pricing']);
    await runWithCallbackUrl(PERFORM, bundle({ transcript: 'Alice: Hi', tracker_names: [], wait_for_result: false }), CALLBACK);
    expect(lastBody()).not.toHaveProperty('tracker_names');
  });

  it('long text: does not wait, uses the callback', async () => {
    const long = 'Alice: '.concat('word '.repeat(500));
    const out = await runWithCallbackUrl(PERFORM, bundle({ transcript: long }), CALLBACK);
    expect(lastBody()).toMatchObject({ wait: 0, callback_url: CALLBACK });
    expect(out.status).toBe('CALLBACK');
  });

  it('loading a sample: waits 20 s, no callback', async () => {
    const long = 'Alice: '.concat('word '.repeat(500));
    const out = await runWithCallbackUrl(PERFORM, bundle({ transcript: long }, { isLoadingSample: true }), CALLBACK);
    expect(lastBody().wait).toBe(20);
    expect(lastBody().callback_url).toBeUndefined();
    expect(out.status).not.toBe('CALLBACK');
  });

  it('"Wait for Result" off: wait 0, no callback, the IDs at once', async () => {
    const out = await runWithCallbackUrl(
      PERFORM,
      bundle({ audio_url: ' https://example.com/call.mp3 ', wait_for_result: 'false' }),
      CALLBACK,
    );
    expect(lastBody()).toMatchObject({ url: 'https://example.com/call.mp3', type: 'audio_url', wait: 0 });
    expect(lastBody().callback_url).toBeUndefined();
    expect(out.status).not.toBe('CALLBACK');
    expect(out.results.job_id).toBe('job-1');
  });

  it('sends the Symbl options in the facade names', async () => {
    await appTester(
      App.creates.process_conversation.operation.perform,
      bundle({
        video_url: 'https://example.com/demo.mp4',
        name: 'Demo',
        language: 'de-DE',
        speaker_count: '3',
        enable_summary: false,
        detect_entities: 'true',
        trackers: [
          { tracker_name: 'Competitor', tracker_vocabulary: 'Acme, Globex' },
          { tracker_name: '', tracker_vocabulary: '' },
        ],
      }),
    );
    expect(lastBody()).toMatchObject({
      url: 'https://example.com/demo.mp4',
      type: 'video_url',
      name: 'Demo',
      language: 'de-DE',
      speaker_count: 3,
      enable_summary: false,
      detect_entities: true,
      trackers: [{ name: 'Competitor', vocabulary: ['Acme', 'Globex'] }],
    });
  });

  it('sends Call Score, the question, the fields and the summary page in the facade names', async () => {
    await appTester(
      App.creates.process_conversation.operation.perform,
      bundle({
        transcript: 'Alice: Hi',
        call_score: 'yes',
        conversation_type: 'sales',
        sales_stage: 'demo',
        prospect_name: ' Northwind ',
        scorecard_id: '',
        summary_page: true,
        ask: 'Who signs off?',
        fields: [
          { field_key: 'Deal Budget', field_description: 'the budget', field_type: 'number', field_options: 'ignored' },
          { field_key: 'stage', field_description: 'the deal stage', field_type: 'enum', field_options: 'demo, negotiation' },
          { field_key: '', field_description: '', field_type: 'string' },
        ],
      }),
    );
    expect(lastBody()).toMatchObject({
      call_score: true,
      conversation_type: 'sales',
      sales_stage: 'demo',
      prospect_name: 'Northwind',
      summary_page: true,
      ask: 'Who signs off?',
      fields: [
        { key: 'deal_budget', description: 'the budget', type: 'number' },
        { key: 'stage', description: 'the deal stage', type: 'enum', options: ['demo', 'negotiation'] },
      ],
    });
    expect(lastBody().fields[0]).not.toHaveProperty('options');
    expect(lastBody()).not.toHaveProperty('scorecard_id');
    await appTester(App.creates.process_conversation.operation.perform, bundle({ transcript: 'Alice: Hi' }));
    for (const key of ['call_score', 'summary_page', 'ask', 'fields', 'conversation_type']) expect(lastBody()).not.toHaveProperty(key);
  });

  it.each([
    [{}, /all are empty/],
    [{ transcript: 'hi', audio_url: 'https://example.com/a.mp3' }, /got Transcript Text and Audio URL/],
  ])('asks for exactly one source (%j)', async (inputData, message) => {
    const before = stub.requests.length;
    const err = await appTester(App.creates.process_conversation.operation.perform, bundle(inputData)).catch((e) => e);
    expect(JSON.parse(err.message)).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(message) });
    expect(stub.requests.length).toBe(before);
  });
});
