'use strict';

// Custom auth: the facade's URL and one of its API keys. The test calls GET /v1/me, whose
// answer also names the connection.

const { baseUrl, checkFacadeUrl } = require('./lib/facade_url');
const { CONNECT_HELP_URL } = require('./lib/links');

const test = async (z, bundle) => {
  const problem = checkFacadeUrl(bundle.authData);
  if (problem) throw new z.errors.Error(problem, 'invalid_connector_url', 400);
  try {
    const response = await z.request({ url: '/v1/me' });
    return response.data;
  } catch (err) {
    if (err.name === 'FetchError' || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN/.test(err.message)) {
      throw new z.errors.Error(
        `Could not reach the Symbl connector at ${baseUrl(bundle.authData)} (${err.message}). Check the Connector URL.`,
        'connector_unreachable',
        502,
      );
    }
    throw err;
  }
};

module.exports = {
  type: 'custom',
  fields: [
    {
      key: 'base_url',
      label: 'Connector URL',
      type: 'string',
      required: true,
      placeholder: 'https://connector.example.com',
      helpText:
        'The https address of your Symbl connector (the facade your team runs), without `/v1`, e.g. `https://connector.example.com`. ' +
        `Whoever runs it knows it; see [where to find the Connector URL and an API key](${CONNECT_HELP_URL}).`,
    },
    {
      key: 'api_key',
      label: 'API Key',
      type: 'password',
      required: true,
      helpText:
        'One of the keys in the connector\'s `CONNECTOR_API_KEYS` setting; ask whoever runs the connector for one of your own. ' +
        `See [where to find the Connector URL and an API key](${CONNECT_HELP_URL}).`,
    },
    {
      key: 'symbl_app_id',
      label: 'Symbl App ID (optional)',
      type: 'string',
      required: false,
      helpText: 'Only if the connector lets callers bring their own Symbl credentials; leave empty to use the connector\'s.',
    },
    {
      key: 'symbl_app_secret',
      label: 'Symbl App Secret (optional)',
      type: 'password',
      required: false,
      helpText: 'The secret that goes with the Symbl App ID above.',
    },
  ],
  test,
  connectionLabel: (z, bundle) => {
    const me = bundle.inputData || {};
    return `${me.key_id || 'key'} (${me.mode || 'unknown mode'}) at ${baseUrl(bundle.authData).replace(/^https?:\/\//, '')}`;
  },
};
