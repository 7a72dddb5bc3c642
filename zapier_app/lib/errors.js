'use strict';

// Turn the facade's error answers ({"error": {code, message, details}}) into errors a Zap
// user can act on. Used by the afterResponse middleware and by operations that read a
// status themselves (the search treats 404 as "nothing found").

const DEFAULT_RETRY_SECONDS = 60;

const errorBody = (response) => {
  try {
    const body = response.data !== undefined ? response.data : JSON.parse(response.content);
    return (body && typeof body.error === 'object' && body.error) || {};
  } catch (err) {
    return {};
  }
};

// "name: must not be empty; wait: must be <= 300" from an invalid_request's details.
const describeDetails = (details) => {
  if (Array.isArray(details)) {
    const parts = details
      .filter((d) => d && (d.field || d.message))
      .map((d) => (d.field ? `${d.field}: ${d.message}` : d.message));
    return parts.length ? ` (${parts.join('; ')})` : '';
  }
  if (details && typeof details === 'object') {
    const ids = ['conversation_id', 'job_id'].filter((k) => details[k]).map((k) => `${k} ${details[k]}`);
    return ids.length ? ` (${ids.join(', ')})` : '';
  }
  return '';
};

const retryAfterSeconds = (response) => {
  const header = response.headers && response.headers.get && response.headers.get('retry-after');
  const seconds = parseInt(header, 10);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_RETRY_SECONDS;
};

const facadeError = (z, response) => {
  const { status } = response;
  const error = errorBody(response);
  const code = error.code || `http_${status}`;
  const said = error.message
    ? `${error.message}${describeDetails(error.details)}`
    : `The Symbl connector answered HTTP ${status} without an error message; check that the Connector URL points at the facade.`;

  if (status === 401) {
    return new z.errors.ExpiredAuthError(
      `The Symbl connector rejected the API key (${said}). Reconnect your Symbl Connector account in Zapier with a valid key.`,
    );
  }
  // Another run with the same Idempotency-Key is still being sent: Zapier retries shortly.
  if (status === 429 || status === 503 || (status === 409 && code === 'idempotency_in_progress')) {
    const delay = retryAfterSeconds(response);
    const why = { 429: 'Too many requests', 503: 'Temporarily unavailable', 409: 'Already being sent' }[status];
    return new z.errors.ThrottledError(`${why}: ${said} Zapier will retry in ${delay} seconds.`, delay);
  }
  return new z.errors.Error(said, code, status);
};

module.exports = { facadeError, errorBody, retryAfterSeconds };
