'use strict';

const { App, appTester, authData, facade, startReceiver, asZapierRequest } = require('../support/app');
const { signedDelivery } = require('../support/deliveries');

const op = App.triggers.conversation_failed.operation;

describe('Conversation Failed (REST hook)', () => {
  let receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());

  it('subscribes for conversation.failed and turns a real failure delivery into one result', async () => {
    const subscribeData = await appTester(op.performSubscribe, { authData: authData(), targetUrl: receiver.url('/failed'), inputData: {} });
    try {
      expect(subscribeData).toMatchObject({ event: 'conversation.failed', secret: expect.any(String) });
      const submitted = await facade('POST', '/v1/conversations', { transcript: 'Dana: sandbox-fail please.', name: 'Doomed', wait: 0 });
      const hit = await receiver.next((h) => h.path === '/failed' && h.json && h.json.job_id === submitted.data.job_id);

      const results = await appTester(op.perform, { authData: authData(), subscribeData, inputData: {}, ...asZapierRequest(hit) });
      expect(results).toEqual([
        expect.objectContaining({
          id: hit.json.event_id,
          event_id: hit.json.event_id,
          conversation_id: submitted.data.conversation_id,
          job_id: submitted.data.job_id,
          status: 'failed',
          error_code: expect.any(String),
          error_message: expect.any(String),
        }),
      ]);
      // The same delivery again (the facade retrying it): dropped.
      expect(await appTester(op.perform, { authData: authData(), subscribeData, inputData: {}, ...asZapierRequest(hit) })).toEqual([]);
    } finally {
      await appTester(op.performUnsubscribe, { authData: authData(), subscribeData, inputData: {} });
    }
  });

  it('refuses a delivery signed with another secret', async () => {
    const delivery = signedDelivery('not the hook secret', { event: 'conversation.failed', conversation_id: '1', job_id: 'j', status: 'failed' });
    const err = await appTester(op.perform, { authData: authData(), subscribeData: { id: 'h', secret: 'the secret' }, inputData: {}, ...delivery }).catch((e) => e);
    expect(JSON.parse(err.message).code).toBe('invalid_signature');
  });

  it('lists recent failures as samples, with their error', async () => {
    await facade('POST', '/v1/conversations', { transcript: 'Dana: sandbox-fail sample.', wait: 20 });
    const results = await appTester(op.performList, { authData: authData(), inputData: {}, meta: { isLoadingSample: true } });
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect(r).toMatchObject({ status: 'failed', conversation_id: expect.any(String), error_message: expect.any(String) });
  });
});
