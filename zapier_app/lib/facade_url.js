'use strict';

// The facade's base URL as the user typed it, normalised: scheme added, trailing "/" and
// "/v1" removed, so "connector.acme.com/v1/" and "https://connector.acme.com" are the same.

const baseUrl = (authData = {}) => {
  let url = String(authData.base_url || '').trim();
  if (!url) return '';
  if (!/^https?:\/\//i.test(url)) url = `https://${url}`;
  return url.replace(/\/+$/, '').replace(/\/v1$/, '');
};

// True when `url` points at the facade (so the API key may be sent there, and nowhere else).
const isFacadeUrl = (url, authData) => {
  const base = baseUrl(authData);
  return Boolean(base) && (url === base || String(url).startsWith(`${base}/`));
};

module.exports = { baseUrl, isFacadeUrl };
