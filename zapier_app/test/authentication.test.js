'use strict';

const { App, appTester, authData } = require('./support/app');

describe('authentication (custom: Connector URL + API key)', () => {
  it('passes with a good key and names the connection', async () => {
    const me = await appTester(App.authentication.test, { authData: authData() });
    expect(me).toMatchObject({ mode: 'sandbox', key_id: expect.any(String) });
    expect(JSON.stringify(me)).not.toContain(process.env.FACADE_API_KEY);

    const label = await appTester(App.authentication.connectionLabel, { authData: authData(), inputData: me });
    expect(label).toBe(`${me.key_id} (sandbox) at ${process.env.FACADE_URL.replace('http://', '')}`);
  });

  it('accepts the URL with a trailing /v1/', async () => {
    const me = await appTester(App.authentication.test, { authData: authData({ base_url: `${process.env.FACADE_URL}/v1/` }) });
    expect(me.mode).toBe('sandbox');
  });

  it('fails on a bad key, asking the user to reconnect', async () => {
    const err = await appTester(App.authentication.test, { authData: authData({ api_key: 'not-a-key' }) }).catch((e) => e);
    expect(err.name).toBe('ExpiredAuthError');
    expect(err.message).toMatch(/rejected the API key .*Reconnect/);
  });

  it('fails with a clear message when the connector cannot be reached', async () => {
    const err = await appTester(App.authentication.test, {
      authData: authData({ base_url: 'http://127.0.0.1:9' }),
    }).catch((e) => e);
    expect(JSON.parse(err.message)).toMatchObject({
      code: 'connector_unreachable',
      message: expect.stringMatching(/Could not reach the Symbl connector at http:\/\/127\.0\.0\.1:9 .*Check the Connector URL/),
    });
  });
});
