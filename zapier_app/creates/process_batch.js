'use strict';

// Submit many recordings or transcripts at once (a backfill) as one batch: POST /v1/batches.
// The connector answers at once and sends the items to Symbl as its concurrency limit allows;
// each finished item fires the "Conversation Processed" trigger (REST hook), so a second Zap
// handles the results one by one. An item whose Key was already processed with this API key is
// not sent again (it points to the earlier conversation), so re-running a backfill is safe.

const hydrators = require('../lib/hydrators');

const clean = (value) => (value === undefined || value === null ? '' : String(value).trim());

const toItems = (lines) =>
  (Array.isArray(lines) ? lines : [])
    .map((line) => {
      const item = {};
      const url = clean(line.url);
      const transcript = clean(line.transcript);
      if (url) item.url = url;
      else if (transcript) item.transcript = transcript;
      const name = clean(line.name);
      const key = clean(line.key);
      if (name) item.name = name;
      if (key) item.key = key;
      return item;
    })
    .filter((item) => item.url || item.transcript);

const perform = async (z, bundle) => {
  const items = toItems(bundle.inputData.items);
  if (items.length === 0) {
    throw new z.errors.Error('Add at least one line item with a Recording URL or a Transcript.', 'invalid_request', 400);
  }
  const body = { items };
  const language = clean(bundle.inputData.language);
  if (language) body.options = { language };
  const response = await z.request({ method: 'POST', url: '/v1/batches', body });
  const batch = response.data || {};
  const counts = batch.counts || {};
  return {
    id: batch.batch_id,
    batch_id: batch.batch_id,
    status: batch.status,
    total: batch.total,
    queued: counts.queued || 0,
    in_progress: (counts.scheduled || 0) + (counts.in_progress || 0),
    completed: counts.completed || 0,
    failed: counts.failed || 0,
    created_at: batch.created_at,
    batch_url: (batch.links || {}).batch || '',
    // A file a later step can attach or upload; its rows are the items completed by then.
    insights_csv: z.dehydrateFile(hydrators.batchInsightsCsv, { batch_id: batch.batch_id }),
  };
};

module.exports = {
  key: 'process_batch',
  noun: 'Batch',
  display: {
    label: 'Process Batch',
    description:
      'Submits many recordings or transcripts at once (e.g. a backfill of past calls); results arrive one by one through the Conversation Processed trigger.',
  },
  operation: {
    inputFields: [
      {
        key: 'items',
        label: 'Conversations',
        required: true,
        children: [
          { key: 'url', label: 'Recording URL', helpText: 'A public audio or video URL (or fill Transcript).' },
          { key: 'transcript', label: 'Transcript', helpText: 'One "Speaker: line" per line (when there is no URL).' },
          { key: 'name', label: 'Name' },
          {
            key: 'key',
            label: 'Key',
            helpText: 'Your ID for it, e.g. the recording ID: a key already processed is not sent again.',
          },
        ],
      },
      { key: 'language', label: 'Language', helpText: 'BCP-47 code of every item, e.g. en-US.' },
    ],
    perform,
    sample: {
      id: 'batch-3f0c1a52-8d7e-4c1b-9a2f-5e6d7c8b9a01',
      batch_id: 'batch-3f0c1a52-8d7e-4c1b-9a2f-5e6d7c8b9a01',
      status: 'running',
      total: 120,
      queued: 115,
      in_progress: 5,
      completed: 0,
      failed: 0,
      created_at: '2026-11-22T05:30:00Z',
      batch_url: 'https://connector.example.com/v1/batches/batch-3f0c1a52-8d7e-4c1b-9a2f-5e6d7c8b9a01',
      insights_csv: 'SAMPLE FILE',
    },
    outputFields: [
      { key: 'id', label: 'ID' },
      { key: 'batch_id', label: 'Batch ID' },
      { key: 'status', label: 'Status' },
      { key: 'total', label: 'Total', type: 'integer' },
      { key: 'queued', label: 'Queued', type: 'integer' },
      { key: 'in_progress', label: 'In Progress', type: 'integer' },
      { key: 'completed', label: 'Completed', type: 'integer' },
      { key: 'failed', label: 'Failed', type: 'integer' },
      { key: 'created_at', label: 'Created At', type: 'datetime' },
      { key: 'batch_url', label: 'Batch URL' },
      { key: 'insights_csv', label: 'Insights CSV (file: one row per conversation completed when a later step reads it)', type: 'file' },
    ],
  },
};
