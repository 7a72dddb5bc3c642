'use strict';

// Shared test helpers: the app under the real tester, credentials for the sandbox facade
// that globalSetup started, a loopback receiver for callback/hook deliveries, and a runner
// that sets its own callback URL (the tester's is a fixed placeholder).

const http = require('http');
const zapier = require('zapier-platform-core');

const App = require('../../index');

const appTester = zapier.createAppTester(App);
const handler = zapier.createAppHandler(App);

const facadeUrl = () => {
  if (!process.env.FACADE_URL) throw new Error('FACADE_URL is not set: the jest globalSetup did not start the facade');
  return process.env.FACADE_URL;
};

const authData = (overrides = {}) => ({
  base_url: facadeUrl(),
  api_key: process.env.FACADE_API_KEY,
  ...overrides,
});

// Run an operation as Zapier would, with `callbackUrl` as the task's callback URL.
// Resolves to {results, status}; status is 'CALLBACK' when z.generateCallbackUrl() was used.
const runWithCallbackUrl = async (method, bundle, callbackUrl) => {
  const output = await handler({ command: 'execute', method, bundle, callback_url: callbackUrl });
  return { results: output.results, status: output.status };
};

// A loopback HTTP server that records every POST (raw body, parsed JSON, headers).
const startReceiver = () =>
  new Promise((resolve) => {
    const received = [];
    const waiters = [];
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const content = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try {
          json = JSON.parse(content);
        } catch (err) {
          // keep raw
        }
        const hit = { path: req.url, headers: req.headers, content, json };
        received.push(hit);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"ok":true}');
        waiters.splice(0).forEach((w) => w());
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const base = `http://127.0.0.1:${server.address().port}`;
      // Resolve with the first delivery matching `predicate`, within `ms`.
      const next = (predicate = () => true, ms = 20000) =>
        new Promise((done, fail) => {
          const deadline = setTimeout(() => fail(new Error(`no delivery to ${base} within ${ms} ms`)), ms);
          const check = () => {
            const hit = received.find(predicate);
            if (hit) {
              clearTimeout(deadline);
              done(hit);
            } else waiters.push(check);
          };
          check();
        });
      resolve({ url: (p = '/cb') => `${base}${p}`, received, next, close: () => new Promise((r) => server.close(r)) });
    });
  });

// What Zapier hands performResume/perform for a POST it received: the parsed body and the raw request.
const asZapierRequest = (hit) => ({
  cleanedRequest: hit.json,
  rawRequest: { method: 'POST', content: hit.content, headers: hit.headers, querystring: '' },
});

// Call the facade directly (for set-up steps that are not under test).
const facade = async (method, path, body) => {
  const response = await fetch(`${facadeUrl()}${path}`, {
    method,
    headers: { Authorization: `Bearer ${process.env.FACADE_API_KEY}`, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, data: text ? JSON.parse(text) : null, headers: response.headers };
};

module.exports = { App, appTester, authData, runWithCallbackUrl, startReceiver, asZapierRequest, facade, zapier };
