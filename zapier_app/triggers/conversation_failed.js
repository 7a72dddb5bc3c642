'use strict';

// Conversation Failed (REST hook): the other half of the two-Zap pattern. A Zap that sends
// conversations with "Wait for Result" = No hears about successes through Conversation
// Processed; this trigger makes the failures visible too (alert, retry, ticket).

const { subscribe, unsubscribe, acceptDelivery } = require('../lib/hooks');

const EVENT = 'conversation.failed';
const SAMPLE_COUNT = 3;

const toResult = (id, body) => {
  const error = body.error || {};
  return {
    id,
    event_id: id,
    conversation_id: body.conversation_id || '',
    job_id: body.job_id || '',
    name: body.name || '',
    status: 'failed',
    error_code: error.code || 'job_failed',
    error_message: error.message || '',
  };
};

// A delivery: {event, event_id, conversation_id, job_id, status: "failed", error: {code, message}}.
const perform = async (z, bundle) => {
  const body = await acceptDelivery(z, bundle, EVENT);
  return body ? [toResult(body.event_id, body)] : [];
};

// Samples for the editor: the latest failed conversations of this API key (none: the static sample).
const performList = async (z) => {
  const listing = await z.request({ url: '/v1/conversations', params: { status: 'failed', limit: SAMPLE_COUNT } });
  const conversations = (listing.data && listing.data.conversations) || [];
  const results = [];
  for (const c of conversations.slice(0, SAMPLE_COUNT)) {
    const job = await z.request({ url: `/v1/jobs/${encodeURIComponent(c.job_id)}` });
    results.push(toResult(`sample-${c.job_id}`, { ...c, error: job.data && job.data.error }));
  }
  return results;
};

const sample = {
  id: '5c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  event_id: '5c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  conversation_id: '5678901234567890',
  job_id: '2f3e4d5c-6b7a-4988-8776-655443322110',
  name: 'Call with Northwind',
  status: 'failed',
  error_code: 'job_failed',
  error_message: 'Symbl could not decode the audio file.',
};

module.exports = {
  key: 'conversation_failed',
  noun: 'Conversation',
  display: {
    label: 'Conversation Failed',
    description:
      'Triggers when Symbl could not process a conversation sent with your connector API key (from any Zap or app).',
  },
  operation: {
    type: 'hook',
    performSubscribe: subscribe(EVENT),
    performUnsubscribe: unsubscribe,
    perform,
    performList,
    sample,
    outputFields: [
      { key: 'id', label: 'Event ID', primary: true },
      { key: 'event_id', label: 'Event ID (for deduplication)' },
      { key: 'conversation_id', label: 'Conversation ID' },
      { key: 'job_id', label: 'Job ID' },
      { key: 'name', label: 'Conversation Name' },
      { key: 'status', label: 'Status' },
      { key: 'error_code', label: 'Error Code' },
      { key: 'error_message', label: 'Error Message' },
    ],
  },
};
