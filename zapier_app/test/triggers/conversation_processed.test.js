'use strict';

const { App, appTester, authData, facade, startReceiver, asZapierRequest } = require('../support/app');
const { signedDelivery, nowSeconds } = require('../support/deliveries');

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

  it('turns a real delivery into one flat result (event ID as id), and refuses a forged one', async () => {
    const subscribeData = await appTester(op.performSubscribe, { authData: authData(), targetUrl: receiver.url('/hook'), inputData: {} });
    try {
      const submitted = await facade('POST', '/v1/conversations', { transcript: 'Dana: I will send the proposal by Friday.', name: 'Hooked', wait: 0 });
      const hit = await receiver.next((h) => h.path === '/hook' && h.json && h.json.job_id === submitted.data.job_id);
      expect(hit.headers['webhook-id']).toBe(hit.json.event_id);

      const results = await appTester(op.perform, { authData: authData(), subscribeData, inputData: {}, ...asZapierRequest(hit) });
      expect(results).toHaveLength(1);
      expect(results[0]).toMatchObject({
        id: hit.json.event_id,
        event_id: hit.json.event_id,
        conversation_id: submitted.data.conversation_id,
        name: 'Hooked',
        status: 'completed',
      });
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

  describe('delivery checks (Standard Webhooks)', () => {
    const secret = 'hook-secret-for-tests';
    const subscribeData = { id: 'hook-1', secret };
    const body = { event: 'conversation.completed', conversation_id: '1234567890123456', job_id: 'job-1', status: 'completed', name: 'Signed' };
    const run = (delivery, sub = subscribeData) => appTester(op.perform, { authData: authData(), subscribeData: sub, inputData: {}, ...delivery });
    const codeOf = async (promise) => JSON.parse((await promise.catch((e) => e)).message).code;

    it('accepts a signed delivery (also with Http- header names and a rotated signature list)', async () => {
      const one = signedDelivery(secret, body);
      expect(await run(one)).toMatchObject([{ id: one.cleanedRequest.event_id, name: 'Signed' }]);

      const rotated = signedDelivery(secret, body, { headerPrefix: 'Http-' });
      const good = rotated.rawRequest.headers['Http-Webhook-Signature'];
      rotated.rawRequest.headers['Http-Webhook-Signature'] = `v1,${Buffer.from('old key').toString('base64')} ${good}`;
      expect(await run(rotated)).toHaveLength(1);
    });

    it('takes a whsec_ secret as base64 key bytes', async () => {
      const whsec = `whsec_${Buffer.from('raw key bytes').toString('base64')}`;
      const delivery = signedDelivery(whsec, body);
      expect(await run(delivery, { id: 'hook-2', secret: whsec })).toHaveLength(1);
    });

    it('rejects a delivery without the signature headers, even with the legacy X-Connector-Signature', async () => {
      const delivery = signedDelivery(secret, body, { omit: ['Webhook-Signature'] });
      const crypto = require('crypto');
      delivery.rawRequest.headers['X-Connector-Signature'] = `sha256=${crypto.createHmac('sha256', secret).update(delivery.rawRequest.content).digest('hex')}`;
      expect(await codeOf(run(delivery))).toBe('missing_signature');
      expect(await codeOf(run(signedDelivery(secret, body, { omit: ['Webhook-Timestamp'] })))).toBe('missing_signature');
    });

    it('rejects a wrong signature and a timestamp over 5 minutes old or ahead', async () => {
      expect(await codeOf(run(signedDelivery('another secret', body)))).toBe('invalid_signature');
      expect(await codeOf(run(signedDelivery(secret, body, { timestamp: nowSeconds() - 301 })))).toBe('invalid_signature');
      expect(await codeOf(run(signedDelivery(secret, body, { timestamp: nowSeconds() + 301 })))).toBe('invalid_signature');
      expect(await run(signedDelivery(secret, body, { timestamp: nowSeconds() - 240 }))).toHaveLength(1);
    });

    it('says so when the subscription has no secret to verify with', async () => {
      expect(await codeOf(run(signedDelivery(secret, body), { id: 'hook-3' }))).toBe('no_signing_secret');
    });

    it('drops a repeated event ID (a retry, or a replay re-signed with a fresh timestamp)', async () => {
      const first = signedDelivery(secret, body);
      expect(await run(first)).toHaveLength(1);
      const again = signedDelivery(secret, body, { id: first.cleanedRequest.event_id });
      expect(await run(again)).toEqual([]);
      // Another hook (another Zap) gets the same event once too.
      expect(await run(again, { id: 'hook-other', secret })).toHaveLength(1);
    });

    it('ignores another event', async () => {
      expect(await run(signedDelivery(secret, { ...body, event: 'conversation.failed' }))).toEqual([]);
    });
  });

  it('lists recent processed conversations as samples', async () => {
    await facade('POST', '/v1/conversations', { transcript: 'Dana: sample for the list.', wait: 20 });
    const results = await appTester(op.performList, { authData: authData(), inputData: {}, meta: { isLoadingSample: true } });
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThanOrEqual(3);
    for (const r of results) expect(r).toMatchObject({ status: 'completed', conversation_id: expect.any(String), job_id: expect.any(String) });
  });
});
