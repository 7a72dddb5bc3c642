'use strict';

// Hook deliveries from the facade are signed with the Standard Webhooks scheme: headers
// `webhook-id` (the event ID, the same on every retry), `webhook-timestamp` (Unix seconds of
// this attempt) and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.raw body">`
// (several space-separated entries while a secret rotates). The key is the hook's secret
// (returned once, when the hook is created): a secret starting `whsec_` is base64-decoded,
// any other is used as its UTF-8 bytes. The `standardwebhooks` library does the checking,
// including the 5-minute window on the timestamp either way.
//
// The legacy `X-Connector-Signature` (HMAC of the body alone) is NOT accepted on its own: it
// says nothing about when a delivery was made, so a captured one could be replayed forever.

const { Webhook, WebhookVerificationError } = require('standardwebhooks');

const HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'];

// Zapier hands hook requests over with header names as sent or prefixed "Http-".
const headerOf = (headers, name) => {
  const wanted = [name.toLowerCase(), `http-${name.toLowerCase()}`];
  for (const [key, value] of Object.entries(headers || {})) {
    if (wanted.includes(key.toLowerCase())) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
};

const webhookFor = (secret) =>
  String(secret).startsWith(Webhook.prefix)
    ? new Webhook(secret)
    : new Webhook(Buffer.from(String(secret), 'utf8'), { format: 'raw' });

class DeliveryRejected extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/**
 * Verify one delivery; return its event ID. Throws DeliveryRejected with code
 * `no_signing_secret`, `missing_signature` or `invalid_signature` (wrong signature, or a
 * timestamp more than 300 s away from now).
 */
const verifyDelivery = (secret, rawRequest) => {
  if (!secret) {
    throw new DeliveryRejected(
      'no_signing_secret',
      'This trigger has no signing secret to check deliveries with (its subscription predates it); ' +
        'turn the Zap off and on again to subscribe anew.',
    );
  }
  const headers = {};
  for (const name of HEADERS) headers[name] = headerOf(rawRequest && rawRequest.headers, name);
  const content = rawRequest && rawRequest.content;
  if (HEADERS.some((name) => !headers[name]) || typeof content !== 'string') {
    throw new DeliveryRejected(
      'missing_signature',
      'A delivery without the webhook-id, webhook-timestamp and webhook-signature headers was ignored ' +
        '(it did not come from your connector, or the connector is too old to sign deliveries).',
    );
  }
  try {
    webhookFor(secret).verify(content, headers, { jsonParse: false });
  } catch (err) {
    if (!(err instanceof WebhookVerificationError)) throw err;
    throw new DeliveryRejected(
      'invalid_signature',
      `A delivery was ignored: ${err.message.toLowerCase()} (it did not come from your connector, or it is a replay).`,
    );
  }
  return String(headers['webhook-id']);
};

/** Sign like the facade does (used by the tests to make deliveries). */
const signDelivery = (secret, id, timestamp, content) =>
  webhookFor(secret).sign(String(id), new Date(Number(timestamp) * 1000), content);

module.exports = { verifyDelivery, signDelivery, headerOf, DeliveryRejected };
