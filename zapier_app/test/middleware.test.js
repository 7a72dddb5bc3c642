'use strict';

// Error mapping for answers the sandbox facade cannot be made to give on demand; the
// operation tests cover the ones it does give (401, 400, 404, 422) against the real facade.
const { appTester } = require('./support/app');
const { startStub } = require('./support/stub_server');

const errorAnswer = (status, code, message, details = null, headers = {}) => ({
  status,
  headers,
  body: { error: { code, message, details } },
});

describe('middleware', () => {
  let stub;
  beforeAll(async () => {
    stub = await startStub({ status: 200, body: { key_id: 'key_1', mode: 'sandbox' } });
  });
  afterAll(() => stub.close());

  const me = (overrides = {}) =>
    appTester((z) => z.request({ url: '/v1/me' }).then((r) => r.data), {
      authData: { base_url: `${stub.url}/v1/`, api_key: 'k-123', ...overrides },
    });

  it('adds the base URL and the bearer key, and nothing for other hosts', async () => {
    stub.setAnswer({ status: 200, body: { key_id: 'key_1' } });
    await me({ symbl_app_id: 'app', symbl_app_secret: 'sec' });
    const sent = stub.requests[stub.requests.length - 1];
    expect(sent.url).toBe('/v1/me');
    expect(sent.headers.authorization).toBe('Bearer k-123');
    expect(sent.headers['x-symbl-app-id']).toBe('app');
    expect(sent.headers['x-symbl-app-secret']).toBe('sec');

    await appTester((z) => z.request({ url: `${stub.url}/file.mp3` }), {
      authData: { base_url: 'https://connector.example.com', api_key: 'k-123' },
    });
    expect(stub.requests[stub.requests.length - 1].headers.authorization).toBeUndefined();
  });

  it('turns 429 into a ThrottledError with the Retry-After delay and the facade message', async () => {
    stub.setAnswer(errorAnswer(429, 'rate_limited', 'Too many requests for this API key.', null, { 'Retry-After': '17' }));
    const err = await me().catch((e) => e);
    expect(err.name).toBe('ThrottledError');
    const parsed = JSON.parse(err.message);
    expect(parsed.delay).toBe(17);
    expect(parsed.message).toMatch(/Too many requests for this API key\..*retry in 17 seconds/);
  });

  it('turns 503 into a ThrottledError too', async () => {
    stub.setAnswer(errorAnswer(503, 'symbl_unavailable', 'Symbl cannot be reached.', null, { 'Retry-After': '30' }));
    const err = await me().catch((e) => e);
    expect(err.name).toBe('ThrottledError');
    expect(JSON.parse(err.message).delay).toBe(30);
  });

  it('turns 409 idempotency_in_progress (a retry racing the first send) into a ThrottledError', async () => {
    stub.setAnswer(errorAnswer(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is still being processed.', null, { 'Retry-After': '2' }));
    const err = await me().catch((e) => e);
    expect(err.name).toBe('ThrottledError');
    expect(err.message).toMatch(/Already being sent: A request with this Idempotency-Key/);
  });

  it('asks the user to reconnect on 401', async () => {
    stub.setAnswer(errorAnswer(401, 'unauthorized', 'The API key is missing or unknown.'));
    const err = await me().catch((e) => e);
    expect(err.name).toBe('ExpiredAuthError');
    expect(err.message).toMatch(/Reconnect/);
  });

  it("passes 4xx messages through with the facade's code and the field details", async () => {
    stub.setAnswer(
      errorAnswer(400, 'invalid_request', 'A field is wrong.', [{ field: 'speaker_count', message: 'must be >= 1' }]),
    );
    const err = await me().catch((e) => e);
    expect(err.name).toBe('AppError');
    expect(JSON.parse(err.message)).toEqual({
      message: 'A field is wrong. (speaker_count: must be >= 1)',
      code: 'invalid_request',
      status: 400,
    });
  });

  it('explains an answer that is not the facade (e.g. a proxy page)', async () => {
    stub.setAnswer({ status: 502, headers: { 'Content-Type': 'text/html' }, body: '<html>Bad gateway</html>' });
    const err = await me().catch((e) => e);
    expect(JSON.parse(err.message)).toMatchObject({ code: 'http_502', status: 502 });
    expect(JSON.parse(err.message).message).toMatch(/Connector URL/);
  });
});
