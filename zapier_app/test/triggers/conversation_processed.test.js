'use strict';

const { App, appTester, authData, facade, startReceiver, asZapierRequest } = require('../support/app');

const op = App.triggers.conversation_processed.operation;
const ZAPIER_HOOK = 'https://auth-json-server.zapier-staging.com/hooks/catch/123/abc';

describe('Conversation Processed (REST hook)', () => {
  let receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());

  it('subscribes and unsubscribes through /v1/hooks', async () => {
    const subscribeData = await appTester(op.performSubscribe, { authData: authData(), targetUrl: ZAPIER_HOOK, inputData: {} });
    expect(subscribeData).toMatchObject({ id: expect.any(String), target_url: ZAPIER_HOOK, event: 'conversation.completed', secret: expect.any(String) });
    expect((await facade('GET', '/v1/hooks')).data.hooks.map((h) => h.id)).toContain(subscribeData.id);

    await appTester(op.performUnsubscribe, { authData: authData(), subscribeData, inputData: {} });
    expect((await facade('GET', '/v1/hooks')).data.hooks.map((h) => h.id)).not.toContain(subscribeData.id);

    // Zapier may unsubscribe twice (or after the facade lost the hook): that is not an error.
    await expect(appTester(op.performUnsubscribe, { authData: authData(), subscribeData, inputData: {} })).resolves.toEqual({});
  });

  it('turns a real delivery into one flat result, and refuses a forged one', async () => {
    const subscribeData = await appTester(op.performSubscribe, { authData: authData(), targetUrl: receiver.url('/hook'), inputData: {} });
    try {
      const submitted = await facade('POST', '/v1/conversations', { transcript: 'Dana: I will send the proposal by Friday.', name: 'Hooked', wait: 0 });
      const hit = await receiver.next((h) => h.path === '/hook' && h.json && h.json.job_id === submitted.data.job_id);

      const results = await appTester(op.perform, { authData: authData(), subscribeData, inputData: {}, ...asZapierRequest(hit) });
      expect(results).toHaveLength(1);
      expect(results[0]).toMatchObject({ conversation_id: submitted.data.conversation_id, name: 'Hooked', status: 'completed' });
      expect(results[0].event).toBeUndefined();

      const forged = asZapierRequest(hit);
      forged.rawRequest.content = forged.rawRequest.content.replace('Hooked', 'Forged');
      forged.cleanedRequest = JSON.parse(forged.rawRequest.content);
      const err = await appTester(op.perform, { authData: authData(), subscribeData, inputData: {}, ...forged }).catch((e) => e);
      expect(JSON.parse(err.message).code).toBe('invalid_signature');
    } finally {
      await appTester(op.performUnsubscribe, { authData: authData(), subscribeData, inputData: {} });
    }
  });

  it('lists recent processed conversations as samples', async () => {
    await facade('POST', '/v1/conversations', { transcript: 'Dana: sample for the list.', wait: 20 });
    const results = await appTester(op.performList, { authData: authData(), inputData: {}, meta: { isLoadingSample: true } });
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThanOrEqual(3);
    for (const r of results) expect(r).toMatchObject({ status: 'completed', conversation_id: expect.any(String), job_id: expect.any(String) });
  });
});
