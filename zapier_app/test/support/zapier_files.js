'use strict';

// A loopback stand-in for the two Zapier services z.stashFile talks to: the RPC endpoint
// (get_presigned_upload_post_data) and the presigned S3 upload. It keeps what was uploaded,
// so a test can run a hydrator through the real core (stashFile, uploader) and read the file.

const http = require('http');

const startZapierFiles = () =>
  new Promise((resolve) => {
    const uploads = [];
    let base;
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (req.url === '/rpc') {
          const call = JSON.parse(body.toString('utf8'));
          const result =
            call.method === 'get_presigned_upload_post_data'
              ? { url: `${base}/s3/`, fields: { key: `stash/${uploads.length + 1}` } }
              : null;
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ id: call.id, result }));
          return;
        }
        // The multipart upload: keep the raw form; the file is its last part.
        uploads.push({ headers: req.headers, form: body.toString('utf8') });
        res.writeHead(204);
        res.end();
      });
    });
    server.listen(0, '127.0.0.1', () => {
      base = `http://127.0.0.1:${server.address().port}`;
      resolve({ rpcBase: `${base}/rpc`, uploads, close: () => new Promise((r) => server.close(r)) });
    });
  });

module.exports = { startZapierFiles };
