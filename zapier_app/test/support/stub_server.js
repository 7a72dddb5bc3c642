'use strict';

// A loopback server that answers every request with a canned status, headers and body and
// records what it received: for error answers the sandbox facade cannot be made to give
// (429, 503, a proxy's HTML 502) and for checking exactly what the app sends.

const http = require('http');

const startStub = (answer) =>
  new Promise((resolve) => {
    const requests = [];
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const content = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try {
          json = JSON.parse(content);
        } catch (err) {
          // not JSON
        }
        requests.push({ method: req.method, url: req.url, headers: req.headers, content, json });
        const { status = 200, headers = {}, body = {} } = typeof answer === 'function' ? answer(req) : answer;
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(text);
      });
    });
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        requests,
        setAnswer: (next) => {
          answer = next;
        },
        close: () => new Promise((r) => server.close(r)),
      }),
    );
  });

module.exports = { startStub };
