'use strict';

// Start one sandbox facade for the whole test run; tests read FACADE_URL and FACADE_API_KEY.
// FACADE_OFFLINE=1 skips it (only for running the offline test files by hand).
const { startFacade } = require('./facade_server');

module.exports = async () => {
  if (process.env.FACADE_OFFLINE === '1') return;
  const facade = await startFacade({ apiKey: `zt-${process.pid}-${Date.now()}` });
  globalThis.__FACADE__ = facade;
  process.env.FACADE_URL = facade.url;
  process.env.FACADE_API_KEY = facade.apiKey;
  process.env.FACADE_LOG = facade.logFile;
};
