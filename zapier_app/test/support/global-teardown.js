'use strict';

const { stopFacade } = require('./facade_server');

module.exports = async () => {
  await stopFacade(globalThis.__FACADE__);
};
