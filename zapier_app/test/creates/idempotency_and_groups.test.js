'use strict';

// A Zapier retry or replay of Process/Append never starts a second Symbl job; "Process Again"
// still does. And Process Conversation shows its inputs in groups.
const crypto = require('crypto');
const { App, authData, runWithCallbackUrl, startReceiver, facade } = require('../support/app');

const PROCESS = 'creates.process_conversation.operation.perform';
const APPEND = 'creates.append_conversation.operation.perform';
const unique = () => crypto.randomUUID().slice(0, 8);
const bundle = (inputData, meta = {}) => ({ authData: authData(), inputData, meta: { zap: { id: 4242 }, ...meta } });
const submissionCount = async () => (await facade('GET', '/v1/conversations?limit=500')).data.conversations.length;

describe('Idempotency-Key per step run', () => {
  let receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());

  it('a retried or replayed live Process step gets the first job back, not a new one', async () => {
    const input = { transcript: `Dana: retry me ${unique()}.`, name: 'Retried' };
    const first = await runWithCallbackUrl(PROCESS, bundle(input), receiver.url('/retry'));
    const before = await submissionCount();
    const again = await runWithCallbackUrl(PROCESS, bundle(input), receiver.url('/retry'));
    expect(again.results.job_id).toBe(first.results.job_id);
    expect(await submissionCount()).toBe(before);
  });

  it('without waiting, and for Append, the same', async () => {
    const input = { transcript: `Dana: no wait ${unique()}.`, wait_for_result: 'false' };
    const first = await runWithCallbackUrl(PROCESS, bundle(input), receiver.url('/nowait'));
    const again = await runWithCallbackUrl(PROCESS, bundle(input), receiver.url('/nowait'));
    expect(again.results.job_id).toBe(first.results.job_id);

    const appendInput = { conversation_id: first.results.conversation_id, transcript: `Dana: more ${unique()}.`, wait_for_result: 'false' };
    const appended = await runWithCallbackUrl(APPEND, bundle(appendInput), receiver.url('/append'));
    const appendedAgain = await runWithCallbackUrl(APPEND, bundle(appendInput), receiver.url('/append'));
    expect(appendedAgain.results.job_id).toBe(appended.results.job_id);
    expect(appended.results.job_id).not.toBe(first.results.job_id);
  });

  it('"Process Again" = Yes, another Zap, or other content: a new job', async () => {
    const input = { transcript: `Dana: again ${unique()}.`, wait_for_result: 'false' };
    const first = await runWithCallbackUrl(PROCESS, bundle(input), receiver.url('/again'));
    const forced = await runWithCallbackUrl(PROCESS, bundle({ ...input, process_again: 'true' }), receiver.url('/again'));
    const otherZap = await runWithCallbackUrl(PROCESS, { ...bundle(input), meta: { zap: { id: 7 } } }, receiver.url('/again'));
    const otherText = await runWithCallbackUrl(PROCESS, bundle({ ...input, transcript: `${input.transcript} More.` }), receiver.url('/again'));
    const jobs = new Set([first, forced, otherZap, otherText].map((o) => o.results.job_id));
    expect(jobs.size).toBe(4);
  });

  it('a replay whose callback URL changed gets the first job back, and its result at the new URL', async () => {
    const input = { transcript: `Dana: replayed ${unique()}.` };
    const first = await runWithCallbackUrl(PROCESS, bundle(input), receiver.url('/replay-1'));
    const before = await submissionCount();
    const again = await runWithCallbackUrl(PROCESS, bundle(input), receiver.url('/replay-2'));
    expect(again.results.job_id).toBe(first.results.job_id);
    expect(await submissionCount()).toBe(before);
    const hit = await receiver.next((h) => h.path === '/replay-2' && h.json && h.json.job_id === first.results.job_id);
    expect(hit.json.event).toBe('conversation.completed');
  });
});

describe('input field groups', () => {
  const GROUPS = { process_conversation: ['basic', 'advanced', 'score'], append_conversation: ['basic', 'advanced'] };
  for (const [key, groups] of Object.entries(GROUPS)) {
    it(`${key}: every input is in one of the groups ${groups.join(', ')}`, () => {
      const { inputFieldGroups, inputFields } = App.creates[key].operation;
      expect(inputFieldGroups.map((g) => g.key)).toEqual(groups);
      const groupOf = Object.fromEntries(inputFields.map((f) => [f.key, f.group]));
      expect(Object.values(groupOf).every((g) => groups.includes(g))).toBe(true);
      for (const basic of ['transcript', 'audio_url', 'video_url', 'file', 'wait_for_result']) expect(groupOf[basic]).toBe('basic');
      for (const advanced of ['language', 'speaker_count', 'tracker_names', 'process_again']) expect(groupOf[advanced]).toBe('advanced');
    });
  }

  it('process_conversation: Call Score, questions and the summary page are in their own group', () => {
    const groupOf = Object.fromEntries(App.creates.process_conversation.operation.inputFields.map((f) => [f.key, f.group]));
    for (const key of ['call_score', 'conversation_type', 'sales_stage', 'prospect_name', 'scorecard_id', 'summary_page', 'ask', 'fields']) {
      expect([key, groupOf[key]]).toEqual([key, 'score']);
    }
  });
});
