'use strict';

// What the two REST-hook triggers (Conversation Processed, Conversation Failed) share:
// subscribing a hook for one event at the facade, unsubscribing, and accepting a delivery:
// verify its Standard Webhooks signature (lib/signature.js), then drop an event ID already
// seen, so a delivery the facade retries (or a replayed one) starts the Zap only once.
//
// Repeated event IDs are handled twice over: each delivery's result has `id` = the event ID
// (the trigger's primary key, which is what Zapier dedupes on), and the app itself remembers
// the event IDs it let through per hook for 3 days in `z.cache` (Zapier's key-value store),
// longer than the facade's 24 h of retries.

const { verifyDelivery, DeliveryRejected } = require('./signature');
const { facadeError } = require('./errors');

const SEEN_TTL_SECONDS = 3 * 24 * 3600;

const subscribe = (event) => async (z, bundle) => {
  const response = await z.request({
    method: 'POST',
    url: '/v1/hooks',
    body: { target_url: bundle.targetUrl, event },
  });
  return response.data; // {id, target_url, event, created_at, secret} -> bundle.subscribeData
};

const unsubscribe = async (z, bundle) => {
  const id = bundle.subscribeData && bundle.subscribeData.id;
  const response = await z.request({
    method: 'DELETE',
    url: `/v1/hooks/${encodeURIComponent(id)}`,
    skipThrowForStatus: true,
  });
  // Already gone (deleted by hand, or the facade's store was reset) is fine too.
  if (response.status < 300 || response.status === 404) return {};
  throw facadeError(z, response);
};

// True the first time this hook sees `eventId`.
const firstSighting = async (z, hookId, eventId) => {
  const key = `symbl-hook:${hookId}:${eventId}`;
  if (await z.cache.get(key)) return false;
  await z.cache.set(key, 1, SEEN_TTL_SECONDS);
  return true;
};

/**
 * The verified, first-seen delivery body for `event`, or null when it is to be dropped
 * (another event, or an event ID this hook already delivered). A delivery that fails the
 * signature check is an error the user sees in the Zap's history.
 */
const acceptDelivery = async (z, bundle, event) => {
  const subscription = bundle.subscribeData || {};
  let eventId;
  try {
    eventId = verifyDelivery(subscription.secret, bundle.rawRequest);
  } catch (err) {
    if (err instanceof DeliveryRejected) throw new z.errors.Error(err.message, err.code, 401);
    throw err;
  }
  const body = bundle.cleanedRequest || {};
  if (body.event && body.event !== event) return null;
  if (!(await firstSighting(z, subscription.id || 'hook', eventId))) return null;
  return { ...body, event_id: eventId }; // the signed header, equal to the body's event_id
};

module.exports = { subscribe, unsubscribe, acceptDelivery, SEEN_TTL_SECONDS };
