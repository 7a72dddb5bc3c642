// The pinned n8n for the end-to-end test: installed once into <repo>/.cache/n8n from the
// committed e2e/n8n-package.json + e2e/n8n-package-lock.json, reused while those are unchanged.
// Also: install our packed package into an n8n user folder as users do, and run n8n commands.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const packageRoot = path.resolve(here, '..', '..');
const repoRoot = path.resolve(packageRoot, '..');
export const cacheDir = process.env.N8N_E2E_CACHE_DIR ?? path.join(repoRoot, '.cache', 'n8n');
const manifest = path.join(packageRoot, 'e2e', 'n8n-package.json');
const lock = path.join(packageRoot, 'e2e', 'n8n-package-lock.json');

function installKey() {
	const hash = createHash('sha256');
	hash.update(readFileSync(manifest));
	hash.update(readFileSync(lock));
	hash.update(process.version);
	return hash.digest('hex');
}

export function n8nBin() {
	return path.join(cacheDir, 'node_modules', 'n8n', 'bin', 'n8n');
}

/** Install the pinned n8n into the cache unless an install with the same key is there. */
export function ensureN8n(log = (line) => process.stderr.write(`${line}\n`)) {
	const keyFile = path.join(cacheDir, '.install-key');
	const key = installKey();
	if (existsSync(n8nBin()) && existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key) {
		log(`n8n: reusing ${cacheDir}`);
		return { reused: true, seconds: 0 };
	}
	const started = Date.now();
	log(`n8n: installing the pinned n8n into ${cacheDir} (a few minutes, once)`);
	rmSync(path.join(cacheDir, 'node_modules'), { recursive: true, force: true });
	rmSync(keyFile, { force: true });
	mkdirSync(cacheDir, { recursive: true });
	copyFileSync(manifest, path.join(cacheDir, 'package.json'));
	copyFileSync(lock, path.join(cacheDir, 'package-lock.json'));
	// Native builds must use this Node's headers, not the machine npm config's nodedir.
	const env = { ...process.env, npm_config_nodedir: path.dirname(path.dirname(process.execPath)) };
	const npm = (args) => execFileSync('npm', args, { cwd: cacheDir, env, stdio: ['ignore', 'inherit', 'inherit'] });
	// Install scripts stay off (a Kafka client would download native libraries); sqlite3 is then
	// built from source. `npm ci` rejects a lock made on another platform, so `npm install`.
	npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error']);
	npm(['rebuild', 'sqlite3', '--loglevel=error']);
	writeFileSync(keyFile, key);
	const seconds = Math.round((Date.now() - started) / 1000);
	log(`n8n: installed in ${seconds} s`);
	return { reused: false, seconds };
}

/** A fresh n8n user folder with our package in .n8n/nodes/node_modules, unpacked from `npm pack`. */
export function makeUserFolder() {
	const userFolder = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-'));
	const pkg = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8'));
	const packDir = path.join(userFolder, 'pack');
	mkdirSync(packDir);
	const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', packDir], {
		cwd: packageRoot,
		encoding: 'utf8',
	})
		.trim()
		.split('\n')
		.pop();
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', pkg.name);
	mkdirSync(target, { recursive: true });
	execFileSync('tar', ['-xzf', path.join(packDir, tarball), '-C', target, '--strip-components=1']);
	writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [pkg.name]: pkg.version } }, null, 2),
	);
	return { userFolder, packageName: pkg.name, packageDir: target };
}

export function n8nEnv(userFolder, brokerPort) {
	return {
		...process.env,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'e2e-test-encryption-key',
		N8N_LOG_LEVEL: 'info',
		DB_TYPE: 'sqlite',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
	};
}

/** Run one n8n CLI command; resolve with { code, stdout, stderr }. */
export function runN8n(args, env, timeoutMs = 180_000) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [n8nBin(), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`n8n ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
		}, timeoutMs);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
	});
}

/** `n8n execute --rawOutput` prints log lines and then the run: parse from the first line starting with "{". */
export function parseExecuteOutput(stdout) {
	const lines = stdout.split('\n');
	for (let i = 0; i < lines.length; i++) {
		if (!lines[i].startsWith('{')) continue;
		const rest = lines.slice(i).join('\n');
		for (let end = rest.length; end > 0; end = rest.lastIndexOf('}', end - 1)) {
			try {
				return JSON.parse(rest.slice(0, end + 1));
			} catch {
				// keep trimming trailing log lines
			}
		}
	}
	throw new Error(`no JSON result in n8n output:\n${stdout}`);
}

export function nodeOutput(run, nodeName) {
	const runs = run.data?.resultData?.runData?.[nodeName];
	if (!runs) throw new Error(`node "${nodeName}" did not run; ran: ${Object.keys(run.data?.resultData?.runData ?? {})}`);
	return (runs[0].data?.main?.[0] ?? []).map((item) => item.json);
}

// `node e2e/lib/n8n.mjs` installs (or confirms) the cached n8n on its own.
if (process.argv[1] === fileURLToPath(import.meta.url)) ensureN8n();
