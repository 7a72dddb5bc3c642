'use strict';

// Deliveries as the facade sends them (Standard Webhooks headers), signed here, for the hook
// triggers' tests: what Zapier hands `perform` (cleanedRequest + rawRequest).

const crypto = require('crypto');
const { signDelivery } = require('../../lib/signature');

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * A delivery of `body` signed with `secret`. Options: `id` (event ID), `timestamp` (Unix s),
 * `signature` (overrides the computed one), `omit` (header names to leave out),
 * `headerPrefix` ("Http-" as Zapier sometimes passes header names).
 */
const signedDelivery = (secret, body, options = {}) => {
  const id = options.id || body.event_id || crypto.randomUUID();
  const payload = { ...body, event_id: id };
  const content = JSON.stringify(payload);
  const timestamp = options.timestamp === undefined ? nowSeconds() : options.timestamp;
  const prefix = options.headerPrefix || '';
  const headers = {
    [`${prefix}Content-Type`]: 'application/json',
    [`${prefix}Webhook-Id`]: id,
    [`${prefix}Webhook-Timestamp`]: String(timestamp),
    [`${prefix}Webhook-Signature`]: options.signature || signDelivery(secret, id, timestamp, content),
  };
  for (const name of options.omit || []) delete headers[`${prefix}${name}`];
  return {
    cleanedRequest: payload,
    rawRequest: { method: 'POST', content, headers, querystring: '' },
  };
};

module.exports = { signedDelivery, nowSeconds };
