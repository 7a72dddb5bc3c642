'use strict';

// Process Conversation with Call Score, a question, fields to extract and a summary page,
// against the sandbox facade (which emulates Call Score, Nebula and the summary pages).
const { App, appTester, authData, runWithCallbackUrl, startReceiver, asZapierRequest } = require('../support/app');
const { SALES_CALL } = require('../support/calls');

const PERFORM = 'creates.process_conversation.operation.perform';
const { performResume, outputFields } = App.creates.process_conversation.operation;

const INPUT = {
  transcript: SALES_CALL,
  name: 'Brightline intro',
  call_score: 'true',
  conversation_type: 'sales',
  sales_stage: 'qualification',
  prospect_name: 'Acme Corp',
  summary_page: 'true',
  ask: 'Who needs to sign off?',
  fields: [
    { field_key: 'budget', field_description: 'the budget the customer named', field_type: 'number' },
    { field_key: 'Competitor', field_description: 'competitor they are looking at', field_type: 'enum', field_options: 'Globex, Initech' },
  ],
};
const CRITERIA = ['Communication and Engagement', 'Question Handling', 'Forward Motion', 'Sales Process'];

const bundle = (inputData, meta = {}) => ({ authData: authData(), inputData, meta });

const expectScoredAndAnswered = (flat) => {
  expect(flat.call_score).toEqual(expect.any(Number));
  expect(flat.call_score_criteria.map((c) => c.name)).toEqual(CRITERIA); // conversation_type and sales_stage reached Symbl
  expect(flat.call_score_summary).toContain('Acme Corp'); // so did prospect_name
  expect(flat.call_score_text.split('\n')).toHaveLength(4);
  expect(flat.answer).toContain('CTO');
  expect(flat.answers).toEqual({ budget: 80000, competitor: 'Globex' });
  expect(flat.summary_url).toMatch(/^https?:\/\/\S+\/meeting\/#\//);
  expect(flat.slack_text).toContain(`${flat.call_score}/100`);
  expect(flat.slack_text).toContain(flat.summary_url);
  expect(flat.crm_note).toContain('budget: 80000');
};

describe('Process Conversation: Call Score, questions and summary page', () => {
  let receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());

  it('while the editor loads a sample: the score, the answers and the summary page link', async () => {
    const out = await runWithCallbackUrl(PERFORM, bundle(INPUT, { isLoadingSample: true }), receiver.url('/unused'));
    expect(out.status).not.toBe('CALLBACK');
    expect(out.results.status).toBe('completed');
    expectScoredAndAnswered(out.results);
    expect(out.results.warnings).toEqual([]);
  });

  it('a live run: performResume returns the score and answers the facade posts to the callback', async () => {
    const out = await runWithCallbackUrl(PERFORM, bundle(INPUT), receiver.url('/scored'));
    expect(out.status).toBe('CALLBACK');
    const hit = await receiver.next((h) => h.json && h.json.job_id === out.results.job_id);
    const resumed = await appTester(performResume, { ...bundle(INPUT), outputData: out.results, ...asZapierRequest(hit) });
    expectScoredAndAnswered(resumed);
  });

  it('without the options: no score, no answers, no summary page', async () => {
    const out = await runWithCallbackUrl(PERFORM, bundle({ transcript: SALES_CALL }, { isLoadingSample: true }), receiver.url('/unused'));
    expect(out.results).toMatchObject({ status: 'completed', call_score: null, call_score_criteria: [], answer: '', answers: {}, summary_url: '' });
  });

  it('a bad option comes back in the facade\'s words', async () => {
    const err = await runWithCallbackUrl(PERFORM, bundle({ transcript: SALES_CALL, sales_stage: 'closing' }, { isLoadingSample: true }), receiver.url('/unused')).catch((e) => e);
    expect(JSON.parse(err.message)).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('sales_stage') });
  });

  it('offers the requested fields as output fields under Answers, typed', async () => {
    const fields = await appTester(outputFields, bundle(INPUT));
    const byKey = Object.fromEntries(fields.map((f) => [f.key, f]));
    expect(byKey.answers__budget).toEqual({ key: 'answers__budget', label: 'Answers: the budget the customer named', type: 'number' });
    expect(byKey.answers__competitor.type).toBe('string');
    for (const key of ['call_score', 'call_score_text', 'call_score_criteria[]name', 'answer', 'summary_url']) expect(byKey[key]).toBeDefined();
  });
});
