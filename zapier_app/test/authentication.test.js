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

describe('Zapier integration checks on the connection (D002, D007/D026)', () => {
  const fs = require('fs');
  const path = require('path');
  const { CONNECT_HELP_URL } = require('../lib/links');
  const fieldsByKey = Object.fromEntries(App.authentication.fields.map((f) => [f.key, f]));

  it('D002: the URL and key help texts link to where a user gets them, and that section exists', () => {
    for (const key of ['base_url', 'api_key']) {
      expect(fieldsByKey[key].helpText).toContain(`](${CONNECT_HELP_URL})`);
    }
    expect(CONNECT_HELP_URL).toMatch(/^https:\/\/.+README\.md#connect-your-account$/);
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toMatch(/^## Connect your account$/m);
  });

  const refused = async (baseUrl) => {
    const err = await appTester(App.authentication.test, { authData: authData({ base_url: baseUrl }) }).catch((e) => e);
    return JSON.parse(err.message);
  };

  it.each([
    ['http://connector.example.com', /must start with https:\/\/ \(plain http is only for localhost\)/],
    ['ftp://connector.example.com', /must be an https:\/\/ address/],
    ['https://connector', /"connector" is not a full host name/],
    ['https://exa_mple.com', /is not a full host name/],
    ['https://conn ector.example.com', /is not a valid web address/],
    ['https://user:pw@connector.example.com', /just the address/],
    ['', /Enter the Connector URL/],
  ])('D007/D026: refuses %j with a clear message, before any request', async (baseUrl, message) => {
    expect(await refused(baseUrl)).toMatchObject({ code: 'invalid_connector_url', message: expect.stringMatching(message) });
  });

  it('refuses a stored plain-http URL on every operation too (the key never goes out over http)', async () => {
    const err = await appTester(App.searches.find_conversation_insights.operation.perform, {
      authData: authData({ base_url: 'http://connector.example.com' }),
      inputData: { conversation_id: '1' },
    }).catch((e) => e);
    expect(JSON.parse(err.message)).toMatchObject({ code: 'invalid_connector_url', message: expect.stringMatching(/Reconnect/) });
  });

  it('accepts https hosts and IPs, and http on localhost', () => {
    const { checkFacadeUrl } = require('../lib/facade_url');
    for (const ok of ['https://connector.example.com', 'connector.example.com/v1/', 'https://10.0.0.5:8443/symbl', 'https://[2001:db8::1]', 'http://localhost:8000', 'http://127.0.0.1:9']) {
      expect([ok, checkFacadeUrl({ base_url: ok })]).toEqual([ok, null]);
    }
  });
});
