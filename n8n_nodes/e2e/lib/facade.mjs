// Start the Symbl connector the way users self-host it (`connector serve`, sandbox mode) and
// stop it again. Needs the project's Python venv active (`connector` on PATH).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

export async function startFacade({ apiKey = 'e2e-test-key' } = {}) {
	const dir = mkdtempSync(path.join(tmpdir(), 'symbl-facade-'));
	const port = await freePort();
	const logFile = path.join(dir, 'facade.log');
	const { openSync } = await import('node:fs');
	const log = openSync(logFile, 'w');
	const child = spawn('connector', ['serve', '--host', '127.0.0.1', '--port', String(port)], {
		env: {
			...process.env,
			CONNECTOR_API_KEYS: apiKey,
			CONNECTOR_STORE_URL: `sqlite:///${dir}/c.db`,
			CONNECTOR_CALLBACK_ALLOWLIST: '127.0.0.1,localhost',
			SANDBOX_JOB_SECONDS: '1',
		},
		stdio: ['ignore', log, log],
		detached: true,
	});
	const url = `http://127.0.0.1:${port}`;
	const stop = async () => {
		if (child.exitCode !== null) return;
		try {
			process.kill(-child.pid, 'SIGTERM');
		} catch {
			child.kill('SIGTERM');
		}
		for (let i = 0; i < 50 && child.exitCode === null; i++) await delay(100);
		if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
	};
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) break;
		try {
			const response = await fetch(`${url}/healthz`);
			if (response.status === 200) return { url, apiKey, dir, stop, log: () => readFileSync(logFile, 'utf8') };
		} catch {
			// not listening yet
		}
		await delay(200);
	}
	await stop();
	throw new Error(`the connector did not become healthy on ${url}:\n${readFileSync(logFile, 'utf8')}`);
}
