'use strict';

// HTTP middleware: every request to the facade gets its base URL and the API key; every
// error answer from it becomes a message a Zap user can act on (see lib/errors.js).

const { baseUrl, checkFacadeUrl, isFacadeUrl } = require('./lib/facade_url');
const { facadeError } = require('./lib/errors');

// Operations call relative paths ("/v1/me"); resolve them against the Connector URL, which
// must be https (http only for localhost): the key is never sent over plain http elsewhere.
const resolveFacadeUrl = (request, z, bundle) => {
  if (request.url && request.url.startsWith('/')) {
    const problem = checkFacadeUrl(bundle.authData);
    if (problem) throw new z.errors.Error(`${problem} Reconnect your Symbl Connector account.`, 'invalid_connector_url', 400);
    request.url = `${baseUrl(bundle.authData)}${request.url}`;
  }
  return request;
};

// Only the facade sees the key (a file download from another host must not).
const addCredentials = (request, z, bundle) => {
  const auth = bundle.authData || {};
  if (!isFacadeUrl(request.url, auth)) return request;
  request.headers = request.headers || {};
  if (auth.api_key) request.headers.Authorization = `Bearer ${auth.api_key}`;
  if (auth.symbl_app_id && auth.symbl_app_secret) {
    request.headers['X-Symbl-App-Id'] = auth.symbl_app_id;
    request.headers['X-Symbl-App-Secret'] = auth.symbl_app_secret;
  }
  // Let handleFacadeErrors word 429s itself (core would otherwise throw a bare ThrottledError).
  request.throwForThrottlingEarly = false;
  return request;
};

const handleFacadeErrors = (response, z, bundle) => {
  if (response.status < 400 || response.skipThrowForStatus) return response;
  if (!isFacadeUrl(response.request && response.request.url, bundle.authData)) return response;
  throw facadeError(z, response);
};

module.exports = {
  befores: [resolveFacadeUrl, addCredentials],
  afters: [handleFacadeErrors],
};
