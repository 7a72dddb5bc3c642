'use strict';

// The facade's base URL as the user typed it, normalised: scheme added, trailing "/" and
// "/v1" removed, so "connector.acme.com/v1/" and "https://connector.acme.com" are the same.
// checkFacadeUrl() says what is wrong with it: Zapier reaches the facade over the internet,
// so it must be https on a real host name or IP address; plain http only for localhost (to
// try the app out with `zapier-platform invoke` or the tests).

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})+$`);
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;
const EXAMPLE = 'e.g. https://connector.example.com';

const baseUrl = (authData = {}) => {
  let url = String(authData.base_url || '').trim();
  if (!url) return '';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) url = `https://${url}`;
  return url.replace(/\/+$/, '').replace(/\/v1$/, '');
};

const isLocal = (hostname) => LOCAL_HOSTS.has(hostname) || hostname.endsWith('.localhost');

/** Null when the Connector URL is usable, else a sentence saying what to fix. */
const checkFacadeUrl = (authData = {}) => {
  const typed = String(authData.base_url || '').trim();
  if (!typed) return `Enter the Connector URL, ${EXAMPLE}.`;
  let url;
  try {
    url = new URL(baseUrl(authData));
  } catch (err) {
    return `The Connector URL "${typed}" is not a valid web address; enter it as ${EXAMPLE}.`;
  }
  const host = url.hostname;
  if (url.protocol === 'http:' && !isLocal(host)) {
    return `The Connector URL must start with https:// (plain http is only for localhost); got "${typed}".`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `The Connector URL must be an https:// address, ${EXAMPLE}; got "${typed}".`;
  }
  if (url.username || url.password || url.search || url.hash) {
    return `The Connector URL must be just the address (no user name, password, "?" or "#"), ${EXAMPLE}.`;
  }
  const isIpv6 = host.startsWith('[') && host.endsWith(']');
  if (!isLocal(host) && !isIpv6 && !IPV4.test(host) && !DOMAIN.test(host)) {
    return `"${host}" is not a full host name; enter the Connector URL as ${EXAMPLE}.`;
  }
  return null;
};

// True when `url` points at the facade (so the API key may be sent there, and nowhere else).
const isFacadeUrl = (url, authData) => {
  const base = baseUrl(authData);
  return Boolean(base) && (url === base || String(url).startsWith(`${base}/`));
};

module.exports = { baseUrl, checkFacadeUrl, isFacadeUrl };
