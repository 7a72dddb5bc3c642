'use strict';

// Where a user reads how to connect: the app's README (package.json "homepage"), whose
// "Connect your account" section says where the Connector URL and an API key come from.

const { homepage } = require('../package.json');

const CONNECT_HELP_URL = `${homepage}#connect-your-account`;

module.exports = { CONNECT_HELP_URL };
