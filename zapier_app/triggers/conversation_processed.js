'use strict';

const { insightsOutputFields } = require('../lib/output_fields');
const { pickInsights, sample } = require('../lib/contract');
const { checkSignature } = require('../lib/signature');
const { facadeError } = require('../lib/errors');

const EVENT = 'conversation.completed';
const SAMPLE_COUNT = 3;

// One conversation, one job: the pair identifies a delivery (an append is a new job).
const outputFields = insightsOutputFields.map((field) =>
  ['conversation_id', 'job_id'].includes(field.key) ? { ...field, primary: true } : field,
);

const performSubscribe = async (z, bundle) => {
  const response = await z.request({
    method: 'POST',
    url: '/v1/hooks',
    body: { target_url: bundle.targetUrl, event: EVENT },
  });
  return response.data; // {id, target_url, event, created_at, secret} -> bundle.subscribeData
};

const performUnsubscribe = async (z, bundle) => {
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

// A delivery: the flat insights plus `event` and `event_id`.
const perform = (z, bundle) => {
  const body = bundle.cleanedRequest || {};
  const secret = bundle.subscribeData && bundle.subscribeData.secret;
  if (checkSignature(secret, bundle.rawRequest) === 'invalid') {
    throw new z.errors.Error(
      'A delivery with a wrong X-Connector-Signature was ignored (it did not come from your connector).',
      'invalid_signature',
      401,
    );
  }
  if (body.event && body.event !== EVENT) return [];
  return [pickInsights(body)];
};

// Samples for the editor: the latest completed conversations of this API key.
const performList = async (z, bundle) => {
  const listing = await z.request({
    url: '/v1/conversations',
    params: { status: 'completed', limit: SAMPLE_COUNT },
  });
  const conversations = (listing.data && listing.data.conversations) || [];
  const results = [];
  for (const c of conversations.slice(0, SAMPLE_COUNT)) {
    const insights = await z.request({ url: `/v1/conversations/${encodeURIComponent(c.conversation_id)}/insights` });
    results.push(pickInsights(insights.data));
  }
  return results;
};

module.exports = {
  key: 'conversation_processed',
  noun: 'Conversation',
  display: {
    label: 'Conversation Processed',
    description:
      'Triggers when Symbl has finished processing a conversation sent with your connector API key (from any Zap or app).',
  },
  operation: {
    type: 'hook',
    performSubscribe,
    performUnsubscribe,
    perform,
    performList,
    sample,
    outputFields,
  },
};
