'use strict';

// Ask About a Conversation against the sandbox facade (its Nebula answers from the transcript).
const { App, appTester, authData, facade } = require('../support/app');
const { SALES_CALL } = require('../support/calls');
const { startStub } = require('../support/stub_server');

const PERFORM = App.creates.ask_conversation.operation.perform;
const OUTPUT_FIELDS = App.creates.ask_conversation.operation.outputFields;

const FIELDS = [
  { field_key: 'Budget', field_description: 'the budget the customer named', field_type: 'number' },
  { field_key: 'competitor', field_description: 'competitor they are looking at', field_type: 'enum', field_options: 'Globex, Initech' },
  { field_key: 'security_review', field_description: 'security review is a requirement', field_type: 'boolean' },
  { field_key: 'headcount', field_description: 'sandbox-wrong-type number of agents', field_type: 'number' },
];

const bundle = (inputData) => ({ authData: authData(), inputData });

describe('Ask About a Conversation', () => {
  let conversationId;
  beforeAll(async () => {
    const processed = await facade('POST', '/v1/conversations', { transcript: SALES_CALL, name: 'Brightline intro', wait: 30 });
    expect(processed.status).toBe(200);
    conversationId = processed.data.conversation_id;
  });

  it('answers a question from the transcript', async () => {
    const out = await appTester(PERFORM, bundle({ conversation_id: conversationId, question: 'What budget did the customer mention?' }));
    expect(out).toMatchObject({ conversation_id: conversationId, question: 'What budget did the customer mention?', warnings: [] });
    expect(out.answer).toContain('80,000');
  });

  it('extracts typed fields, each under its own key; a value of the wrong type is empty with a warning', async () => {
    const out = await appTester(PERFORM, bundle({ conversation_id: conversationId, fields: FIELDS }));
    expect(out).toMatchObject({ conversation_id: conversationId, budget: 80000, competitor: 'Globex', security_review: true, headcount: null });
    expect(out.warnings).toEqual([expect.objectContaining({ part: 'answers.headcount', code: 'wrong_type' })]);
  });

  it('offers one output field per requested key, typed, before the first run', async () => {
    const fields = await appTester(OUTPUT_FIELDS, bundle({ conversation_id: conversationId, fields: FIELDS }));
    const byKey = Object.fromEntries(fields.map((f) => [f.key, f]));
    expect(byKey.budget).toEqual({ key: 'budget', label: 'the budget the customer named', type: 'number' });
    expect(byKey.security_review.type).toBe('boolean');
    expect(byKey.competitor.type).toBe('string');
    for (const key of ['conversation_id', 'question', 'answer', 'warnings[]code']) expect(byKey[key]).toBeDefined();
  });

  it('needs exactly one of Question and Fields to Extract', async () => {
    for (const input of [{ conversation_id: conversationId }, { conversation_id: conversationId, question: 'Who?', fields: FIELDS }]) {
      const err = await appTester(PERFORM, bundle(input)).catch((e) => e);
      expect(JSON.parse(err.message)).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/either Question or Fields/) });
    }
  });

  it('passes on the facade\'s words for a bad field (an enum without options, a reserved key)', async () => {
    const enumWithout = [{ field_key: 'stage', field_description: 'the deal stage', field_type: 'enum' }];
    let err = await appTester(PERFORM, bundle({ conversation_id: conversationId, fields: enumWithout })).catch((e) => e);
    expect(JSON.parse(err.message)).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('give its options') });
    const reserved = [{ field_key: 'answer', field_description: 'anything' }];
    err = await appTester(PERFORM, bundle({ conversation_id: conversationId, fields: reserved })).catch((e) => e);
    expect(JSON.parse(err.message)).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('reserved') });
  });

  it('an unknown conversation is a clear error', async () => {
    const err = await appTester(PERFORM, bundle({ conversation_id: '1234567890123456', question: 'What budget?' })).catch((e) => e);
    expect(JSON.parse(err.message)).toMatchObject({ code: 'conversation_not_found' });
  });

  // The sandbox finishes every job within a second and its Nebula does not fail on demand, so
  // "still running" and "Nebula unavailable" come from the loopback stub.
  it('a job still running, or Nebula unavailable: Zapier retries later (ThrottledError)', async () => {
    const stub = await startStub({
      status: 202,
      body: { conversation_id: '5083911338573824', job_id: 'job-1', status: 'in_progress', links: { job: 'j', insights: 'i' } },
    });
    try {
      const input = { conversation_id: '5083911338573824', question: 'What budget?' };
      const stubBundle = { authData: { base_url: stub.url, api_key: 'k' }, inputData: input };
      let err = await appTester(PERFORM, stubBundle).catch((e) => e);
      expect(err.name).toBe('ThrottledError');
      expect(JSON.parse(err.message)).toMatchObject({ delay: 60, message: expect.stringContaining('still processing conversation 5083911338573824') });
      expect(stub.requests[0]).toMatchObject({ method: 'POST', url: '/v1/conversations/5083911338573824/ask', json: { question: 'What budget?', wait: 15 } });

      stub.setAnswer({ status: 503, headers: { 'Retry-After': '5' }, body: { error: { code: 'nebula_unavailable', message: 'Nebula did not answer: busy' } } });
      err = await appTester(PERFORM, stubBundle).catch((e) => e);
      expect(err.name).toBe('ThrottledError');
      expect(JSON.parse(err.message)).toMatchObject({ delay: 5, message: expect.stringContaining('Nebula did not answer') });
    } finally {
      await stub.close();
    }
  });

  it('is registered with a sample its output fields describe', () => {
    const op = App.creates.ask_conversation.operation;
    expect(op.sample).toMatchObject({ conversation_id: expect.any(String), answer: expect.stringMatching(/\S/) });
  });
});
