'use strict';

// Start the real facade as users self-host it (`connector serve`, sandbox mode) on a free
// loopback port, and stop it again. Used by jest's globalSetup and by scripts/gen-contract.js.

const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const HEALTH_TIMEOUT_MS = 30000;

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const waitHealthy = async (url, child, logFile) => {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.status === 200) return;
    } catch (err) {
      // not listening yet
    }
    await sleep(200);
  }
  const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-3000) : '';
  throw new Error(
    `The facade did not answer GET ${url}/healthz with 200 within ${HEALTH_TIMEOUT_MS / 1000} s ` +
      `(exit code ${child.exitCode}). Is the Python venv active, so that \`connector\` is on PATH?\n${log}`,
  );
};

const startFacade = async ({ apiKey = 'zapier-test-key', env = {} } = {}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zapier-facade-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(dir, 'facade.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn('connector', ['serve', '--host', '127.0.0.1', '--port', String(port)], {
    env: {
      ...process.env,
      CONNECTOR_API_KEYS: apiKey,
      CONNECTOR_STORE_URL: `sqlite:///${dir}/c.db`,
      CONNECTOR_CALLBACK_ALLOWLIST: '127.0.0.1,localhost,auth-json-server.zapier-staging.com',
      SANDBOX_JOB_SECONDS: '1',
      ...env,
    },
    stdio: ['ignore', log, log],
    detached: true, // its own process group, so stop() also ends the server's workers
  });
  child.on('error', () => {}); // reported by waitHealthy through exitCode
  fs.closeSync(log);
  try {
    await waitHealthy(url, child, logFile);
  } catch (err) {
    stopFacade({ pid: child.pid });
    throw err;
  }
  return { url, apiKey, pid: child.pid, dir, logFile };
};

const stopFacade = async (facade) => {
  if (!facade || !facade.pid) return;
  try {
    process.kill(-facade.pid, 'SIGTERM');
  } catch (err) {
    return; // already gone
  }
  for (let i = 0; i < 50; i += 1) {
    try {
      process.kill(-facade.pid, 0);
    } catch (err) {
      return;
    }
    await sleep(100);
  }
  try {
    process.kill(-facade.pid, 'SIGKILL');
  } catch (err) {
    // gone meanwhile
  }
};

module.exports = { startFacade, stopFacade, freePort };
