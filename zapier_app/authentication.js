'use strict';

// Custom auth: the facade's URL and one of its API keys. The test calls GET /v1/me, whose
// answer also names the connection.

const { baseUrl } = require('./lib/facade_url');

const test = async (z, bundle) => {
  if (!baseUrl(bundle.authData)) {
    throw new z.errors.Error('Enter the Connector URL, e.g. https://connector.example.com.', 'invalid_input', 400);
  }
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
      helpText: 'The address of your Symbl connector (the facade your team runs), without `/v1`.',
    },
    {
      key: 'api_key',
      label: 'API Key',
      type: 'password',
      required: true,
      helpText: 'A key from the connector\'s `CONNECTOR_API_KEYS`. Ask whoever runs the connector.',
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
