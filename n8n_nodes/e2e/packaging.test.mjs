/**
 * What n8n's verification and the community-node rules look at before any code runs: the
 * package metadata, the release workflow (GitHub Actions with npm provenance), the codex files
 * and the documentation links they carry. (Plain node:test: the strict lint allows no fs in test/.)
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const workflowFile = path.join(root, '..', '.github', 'workflows', 'n8n-release.yml');

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
function slug(heading) {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

const anchors = new Set(
	readme
		.split('\n')
		.filter((line) => /^#{1,6}\s/.test(line))
		.map((line) => slug(line.replace(/^#+\s*/, ''))),
);

const codexFiles = ['nodes/Symbl/Symbl.node.json', 'nodes/SymblTrigger/SymblTrigger.node.json'];

describe('package.json', () => {
	it('names its source repository and the folder inside it (provenance links the two)', () => {
		assert.equal(pkg.repository.type, 'git');
		assert.equal(pkg.repository.directory, 'n8n_nodes');
		assert.match(pkg.repository.url, /^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
		const repo = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
		assert.equal(pkg.homepage.startsWith(`${repo}/tree/main/n8n_nodes`), true);
	});

	it('has a real author, no placeholder address', () => {
		assert.ok(pkg.author.name);
		assert.doesNotMatch(JSON.stringify(pkg.author), /example\.(com|org)/);
	});

	it('points every test script at files that exist', () => {
		for (const name of ['test:e2e']) {
			const files = pkg.scripts[name].match(/[\w./*-]+\.m?[jt]s\b/g) ?? [];
			assert.ok(files.length > 0);
			for (const file of files) {
				const dir = path.join(root, path.dirname(file));
				const pattern = new RegExp(`^${path.basename(file).replace(/\./g, '\\.').replace(/\*/g, '.*')}$`);
				const matches = existsSync(dir) ? readdirSync(dir).filter((entry) => pattern.test(entry)) : [];
				assert.deepEqual({ file, matches: matches.length > 0 }, { file, matches: true });
			}
		}
	});
});

describe('release workflow (.github/workflows/n8n-release.yml)', () => {
	const text = existsSync(workflowFile) ? readFileSync(workflowFile, 'utf8') : '';

	it('exists, runs on a tag and may mint the OIDC token provenance needs', () => {
		assert.notEqual(text, '');
		assert.match(text, /push:\s*\n\s*tags:/);
		assert.match(text, /id-token:\s*write/);
		assert.match(text, /working-directory:\s*n8n_nodes/);
	});

	it('installs from the lock, runs the lint, build and tests, then publishes with provenance', () => {
		const runTests = readFileSync(path.join(root, 'run-tests.sh'), 'utf8');
		assert.ok(text.includes('run-tests.sh'), 'run-tests.sh');
		for (const step of ['npm ci', 'npm run --silent lint', 'npm run --silent build', 'npx jest', 'test:e2e']) {
			assert.ok(runTests.includes(step), step);
		}
		const tests = text.indexOf('bash ./run-tests.sh');
		const publish = text.lastIndexOf('npm publish --provenance');
		assert.ok(publish > tests);
	});
});

for (const file of codexFiles) describe(`codex ${file}`, () => {
	const codex = JSON.parse(readFileSync(path.join(root, file), 'utf8'));

	it('stays out of the reserved "AI" category', () => {
		assert.ok(!codex.categories.includes('AI'), 'AI');
		assert.ok(codex.categories.length > 0);
	});

	it('links only to headings that exist in this README', () => {
		const urls = Object.values(codex.resources)
			.flat()
			.map((resource) => resource.url);
		assert.ok(urls.length > 0);
		for (const url of urls) {
			assert.equal(url.startsWith(pkg.homepage.replace(/#readme$/, '')), true);
			const anchor = url.split('#')[1];
			assert.deepEqual({ url, found: anchors.has(anchor) }, { url, found: true });
		}
	});
});

it("the credential's documentation link points to an existing heading", () => {
	const source = readFileSync(path.join(root, 'credentials', 'SymblConnectorApi.credentials.ts'), 'utf8');
	const url = /documentationUrl\s*=\s*'([^']+)'/.exec(source)?.[1] ?? '';
	assert.equal(url.startsWith(pkg.homepage.replace(/#readme$/, '')), true);
	assert.equal(anchors.has(url.split('#')[1]), true);
});

it('the README states no hand-counted test counts or timings', () => {
	assert.doesNotMatch(readme, /\b(about|takes|in)\s+\d+\s*(s|seconds|min|minutes)\b/i);
	assert.doesNotMatch(readme, /\b\d+\s+(tests|test cases)\b/i);
});
