'use strict';

const { insightsOutputFields } = require('../lib/output_fields');
const { pickInsights, sample: insightsSample } = require('../lib/contract');
const { subscribe, unsubscribe, acceptDelivery } = require('../lib/hooks');

const EVENT = 'conversation.completed';
const SAMPLE_COUNT = 3;

// `id` is the delivery's event ID: Zapier dedupes on it (a retried delivery has the same one).
const outputFields = [
  { key: 'id', label: 'Event ID', primary: true },
  { key: 'event_id', label: 'Event ID (for deduplication)' },
  ...insightsOutputFields,
];

const SAMPLE_EVENT = '0b9d4f0e-2f5c-4a57-9c55-3f7e0f1a2b3c';
const sample = { id: SAMPLE_EVENT, event_id: SAMPLE_EVENT, ...insightsSample };

// A delivery: the flat insights plus `event` and `event_id`.
const perform = async (z, bundle) => {
  const body = await acceptDelivery(z, bundle, EVENT);
  return body ? [{ id: body.event_id, event_id: body.event_id, ...pickInsights(body) }] : [];
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
    results.push({ id: `sample-${c.job_id}`, event_id: '', ...pickInsights(insights.data) });
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
    performSubscribe: subscribe(EVENT),
    performUnsubscribe: unsubscribe,
    perform,
    performList,
    sample,
    outputFields,
  },
};
