'use strict';

// Deliveries from the facade carry X-Connector-Signature: sha256=<hex HMAC-SHA256 of the raw
// body>, keyed with the hook's secret (returned once, when the hook is created).

const crypto = require('crypto');

const sign = (secret, rawBody) =>
  `sha256=${crypto.createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;

// Zapier hands hook requests over with header names as sent or prefixed "Http-".
const headerOf = (headers, name) => {
  const wanted = [name.toLowerCase(), `http-${name.toLowerCase()}`];
  for (const [key, value] of Object.entries(headers || {})) {
    if (wanted.includes(key.toLowerCase())) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
};

// "valid", "invalid", or "unchecked" (no secret, no raw body or no signature header to check).
const checkSignature = (secret, rawRequest) => {
  const received = headerOf(rawRequest && rawRequest.headers, 'X-Connector-Signature');
  const content = rawRequest && rawRequest.content;
  if (!secret || typeof content !== 'string' || !received) return 'unchecked';
  const expected = Buffer.from(sign(secret, content));
  const actual = Buffer.from(String(received));
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual) ? 'valid' : 'invalid';
};

module.exports = { sign, checkSignature, headerOf };
