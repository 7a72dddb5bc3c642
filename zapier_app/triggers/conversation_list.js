'use strict';

// A hidden trigger: the conversations submitted with this API key (GET /v1/conversations,
// which lists newest first), for the Conversation dropdowns on Append and Find. An append is
// a submission of its own, so a conversation is listed once, at its newest submission.
// Zapier needs an `id` on every item: the conversation ID. A user can still type or map any
// ID (Zapier's dynamic dropdowns take custom values).

const LIMIT = 100;

const perform = async (z) => {
  const response = await z.request({ url: '/v1/conversations', params: { limit: LIMIT } });
  const seen = new Set();
  const results = [];
  for (const c of (response.data && response.data.conversations) || []) {
    if (!c.conversation_id || seen.has(c.conversation_id)) continue; // still queued, or an older submission
    seen.add(c.conversation_id);
    const name = c.name || c.conversation_id;
    results.push({
      id: c.conversation_id,
      conversation_id: c.conversation_id,
      name,
      status: c.status,
      created_at: c.created_at,
      label: `${name} (${String(c.created_at || '').slice(0, 16).replace('T', ' ')}, ${c.status})`,
    });
  }
  return results;
};

module.exports = {
  key: 'conversation_list',
  noun: 'Conversation',
  display: {
    label: 'List Conversations',
    description: 'Lists the conversations sent with this API key, newest first (powers the Conversation dropdowns).',
    hidden: true,
  },
  operation: {
    perform,
    sample: {
      id: '5678901234567890',
      conversation_id: '5678901234567890',
      name: 'Call with Northwind',
      status: 'completed',
      created_at: '2026-11-22T05:30:00Z',
      label: 'Call with Northwind (2026-11-22 05:30, completed)',
    },
    outputFields: [
      { key: 'id', label: 'Conversation ID' },
      { key: 'conversation_id', label: 'Conversation ID' },
      { key: 'name', label: 'Name' },
      { key: 'status', label: 'Status' },
      { key: 'created_at', label: 'Created At', type: 'datetime' },
      { key: 'label', label: 'Label' },
    ],
  },
};
