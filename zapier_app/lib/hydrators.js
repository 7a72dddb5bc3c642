'use strict';

// Files for later Zap steps. An operation returns `z.dehydrateFile(hydrator, {...})`; Zapier
// runs the hydrator only when a later step uses the file, and the hydrator stashes the bytes
// with `z.stashFile` (Zapier's own storage), so later steps get a plain file, not a facade
// link that needs the API key.

const { facadeError } = require('./errors');

const speakerOf = (from) => (from && (from.name || from.userId || from.email)) || '';

// "Speaker: text" per message, the whole conversation (the flat transcript_text is capped).
const formatTranscript = (messages) =>
  (messages || [])
    .map((m) => {
      const text = String(m.text || '').replace(/\s+/g, ' ').trim();
      const speaker = speakerOf(m.from);
      return text && (speaker ? `${speaker}: ${text}` : text);
    })
    .filter(Boolean)
    .join('\n');

const notReady = (z, what) =>
  new z.errors.Error(`${what} is not ready yet: Symbl is still processing; try again when it has finished.`, 'not_ready', 409);

/** The CSV export of a batch: one row per conversation completed so far. */
const batchInsightsCsv = async (z, bundle) => {
  const id = String(bundle.inputData.batch_id);
  const response = await z.request({
    url: `/v1/batches/${encodeURIComponent(id)}/insights`,
    headers: { Accept: 'text/csv' },
  });
  const csv = Buffer.from(response.content || '', 'utf8');
  return z.stashFile(csv, csv.length, `symbl-batch-${id}.csv`, 'text/csv');
};

/** The whole transcript of a conversation as a text file. */
const conversationTranscript = async (z, bundle) => {
  const id = String(bundle.inputData.conversation_id);
  const response = await z.request({
    url: `/v1/conversations/${encodeURIComponent(id)}/insights`,
    params: { format: 'raw', include: 'messages' },
    skipThrowForStatus: true,
  });
  if (response.status === 202) throw notReady(z, `The transcript of conversation ${id}`);
  if (response.status !== 200) throw facadeError(z, response);
  const messages = ((response.data && response.data.messages) || {}).messages;
  const text = Buffer.from(`${formatTranscript(messages)}\n`, 'utf8');
  return z.stashFile(text, text.length, `symbl-transcript-${id}.txt`, 'text/plain');
};

module.exports = { batchInsightsCsv, conversationTranscript, formatTranscript };
