'use strict';

// Submit a conversation (POST /v1/conversations) or append to one (PUT .../{id}), and the
// matching performResume. How long to wait:
// - "Wait for Result" off: wait=0, return the IDs at once.
// - the editor is loading a sample: wait up to QUICK_WAIT_SECONDS, no callback (performResume
//   never runs in the editor); a job still running is shown as a pending object.
// - otherwise: Zapier's callback pattern (z.generateCallbackUrl() -> callback_url); short text
//   also waits up to QUICK_WAIT_SECONDS, so the step's own output already holds the insights.

const crypto = require('crypto');
const FormData = require('form-data');

const { emptyInsights, pickInsights } = require('./contract');
const { askFieldsOf } = require('./ask_fields');

const QUICK_WAIT_SECONDS = 20; // well under Zapier's 30 s for one perform
const REQUEST_TIMEOUT_MS = 27000;
const SHORT_TEXT_CHARS = 2000;
const SOURCES = { transcript: 'Transcript Text', audio_url: 'Audio URL', video_url: 'Video URL', file: 'File' };

const toBool = (value, fallback) => {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  return !/^(false|no|0|off)$/i.test(String(value).trim());
};

const sourceOf = (z, input) => {
  const given = Object.keys(SOURCES).filter((key) => input[key] && String(input[key]).trim());
  if (given.length !== 1) {
    const got = given.length ? `got ${given.map((k) => SOURCES[k]).join(' and ')}` : 'all are empty';
    throw new z.errors.Error(
      `Fill in exactly one of ${Object.values(SOURCES).join(', ')} (${got}).`,
      'invalid_input',
      400,
    );
  }
  return { kind: given[0], value: input[given[0]] };
};

const splitList = (text) =>
  String(text || '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const optionsOf = (input) => {
  const options = {};
  if (input.name) options.name = String(input.name);
  if (input.language) options.language = String(input.language).trim();
  if (input.speaker_count !== undefined && input.speaker_count !== '') {
    options.speaker_count = parseInt(input.speaker_count, 10);
  }
  for (const key of ['enable_summary', 'detect_entities']) {
    if (input[key] !== undefined && input[key] !== '') options[key] = toBool(input[key], true);
  }
  const trackers = (Array.isArray(input.trackers) ? input.trackers : [])
    .map((t) => ({ name: String(t.tracker_name || '').trim(), vocabulary: splitList(t.tracker_vocabulary) }))
    .filter((t) => t.name && t.vocabulary.length);
  if (trackers.length) options.trackers = trackers;
  // Saved trackers by name: a list field keeps each entry whole (a name may contain a comma);
  // text mapped into it ("Competitor, Pricing") is split on commas, as the facade would.
  const trackerNames = Array.isArray(input.tracker_names)
    ? input.tracker_names.map((n) => String(n).trim()).filter(Boolean)
    : splitList(input.tracker_names);
  if (trackerNames.length) options.tracker_names = trackerNames;
  // Call Score, Nebula's questions and the summary page (Process Conversation's third group).
  for (const key of ['call_score', 'summary_page']) {
    if (input[key] !== undefined && input[key] !== '') options[key] = toBool(input[key], false);
  }
  for (const key of ['conversation_type', 'sales_stage', 'prospect_name', 'scorecard_id', 'ask']) {
    if (input[key] !== undefined && String(input[key]).trim()) options[key] = String(input[key]).trim();
  }
  const fields = askFieldsOf(input.fields);
  if (fields.length) options.fields = fields;
  return options;
};

// A file field arrives as a URL; stream it from there into a multipart upload.
const fileForm = async (z, fileUrl, fields) => {
  const download = await z.request({ url: fileUrl, raw: true });
  if (download.status >= 400) {
    throw new z.errors.Error(`Could not download the file (HTTP ${download.status}).`, 'file_unavailable', 400);
  }
  const contentType = (download.headers.get('content-type') || '').split(';')[0].trim();
  const lastSegment = decodeURIComponent(new URL(fileUrl).pathname.split('/').pop() || '');
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    form.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  form.append('file', download.body, {
    filename: lastSegment || 'recording',
    contentType: contentType && contentType !== 'application/octet-stream' ? contentType : undefined,
  });
  return form;
};

// The Idempotency-Key of one step run: what identifies it when Zapier retries or replays it is
// the Zap, the step's action, and everything the step sends (its mapped input). The waiting
// mode is part of it, so the editor's "Test step" (no callback) and a live run (callback) are
// two keys. "Process Again" = Yes sends none: a new job every time.
const idempotencyKeyOf = (bundle, action, path, source, fields) => {
  if (toBool((bundle.inputData || {}).process_again, false)) return null;
  const meta = bundle.meta || {};
  const identity = {
    zap: (meta.zap && meta.zap.id) || '',
    action,
    path,
    source,
    options: { ...fields, wait: undefined, callback_url: undefined },
    mode: fields.callback_url ? 'callback' : meta.isLoadingSample ? 'sample' : 'direct',
  };
  return `zapier-${crypto.createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 40)}`;
};

const send = async (z, method, path, source, fields, idempotencyKey) => {
  const request = { method, url: path, timeout: REQUEST_TIMEOUT_MS };
  if (idempotencyKey) request.headers = { 'Idempotency-Key': idempotencyKey };
  if (source.kind === 'file') {
    const form = await fileForm(z, source.value, fields);
    return z.request({ ...request, body: form, headers: { ...request.headers, ...form.getHeaders() } });
  }
  const body = { ...fields };
  if (source.kind === 'transcript') body.transcript = source.value;
  else {
    body.url = String(source.value).trim();
    body.type = source.kind;
  }
  return z.request({ ...request, body });
};

// The flat shape with only the IDs filled in, for a job that is still running.
const pendingInsights = (answer) =>
  pickInsights({ ...emptyInsights(), ...answer, links: { ...emptyInsights().links, ...(answer.links || {}) } });

const submit = async (z, bundle, { method, path, action }) => {
  const input = bundle.inputData || {};
  const source = sourceOf(z, input);
  const fields = optionsOf(input);
  const isShortText = source.kind === 'transcript' && String(source.value).length < SHORT_TEXT_CHARS;
  if (!toBool(input.wait_for_result, true)) {
    fields.wait = 0;
  } else if (bundle.meta && bundle.meta.isLoadingSample) {
    fields.wait = QUICK_WAIT_SECONDS;
  } else {
    fields.callback_url = z.generateCallbackUrl();
    fields.wait = isShortText ? QUICK_WAIT_SECONDS : 0;
  }
  const key = idempotencyKeyOf(bundle, action, path, source, fields);
  // A replay (same key, new callback URL) gets the first run's job; the facade delivers its
  // result to the new URL too.
  const response = await send(z, method, path, source, fields, key);
  return response.status === 200 ? pickInsights(response.data) : pendingInsights(response.data);
};

// Called with the body the facade POSTs to the callback URL: the flat insights plus
// `event` and `event_id`, or a conversation.failed event with `error`.
const resume = (z, bundle) => {
  const submitted = bundle.outputData || {};
  const body = bundle.cleanedRequest || {};
  for (const key of ['conversation_id', 'job_id']) {
    if (submitted[key] && body[key] && submitted[key] !== body[key]) {
      throw new z.errors.Error(
        `The callback was for ${key} ${body[key]}, but this step submitted ${submitted[key]}; it was ignored.`,
        'callback_mismatch',
        400,
      );
    }
  }
  if (body.event === 'conversation.failed' || body.status === 'failed' || body.error) {
    const error = body.error || {};
    throw new z.errors.Error(
      `Symbl could not process conversation ${body.conversation_id || submitted.conversation_id}: ${error.message || 'the job failed'}`,
      error.code || 'job_failed',
      422,
    );
  }
  return pickInsights({ ...submitted, ...body });
};

module.exports = { submit, resume, pendingInsights, idempotencyKeyOf, QUICK_WAIT_SECONDS, SHORT_TEXT_CHARS };
