/**
 * What n8n's verification and the community-node rules look at before any code runs: the
 * package metadata, the release workflow (GitHub Actions with npm provenance), the codex files
 * and the documentation links they carry.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import path from 'path';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const workflowFile = path.join(root, '..', '.github', 'workflows', 'n8n-release.yml');

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
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
		expect(pkg.repository).toMatchObject({ type: 'git', directory: 'n8n_nodes' });
		expect(pkg.repository.url).toMatch(/^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
		const repo = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
		expect(pkg.homepage.startsWith(`${repo}/tree/main/n8n_nodes`)).toBe(true);
	});

	it('has a real author, no placeholder address', () => {
		expect(pkg.author.name).toBeTruthy();
		expect(JSON.stringify(pkg.author)).not.toMatch(/example\.(com|org)/);
	});

	it('points every test script at files that exist', () => {
		for (const name of ['test:e2e']) {
			const files = (pkg.scripts[name] as string).match(/[\w./*-]+\.m?[jt]s\b/g) ?? [];
			expect(files.length).toBeGreaterThan(0);
			for (const file of files) {
				const dir = path.join(root, path.dirname(file));
				const pattern = new RegExp(`^${path.basename(file).replace(/\./g, '\\.').replace(/\*/g, '.*')}$`);
				const matches = existsSync(dir) ? readdirSync(dir).filter((entry) => pattern.test(entry)) : [];
				expect({ file, matches: matches.length > 0 }).toEqual({ file, matches: true });
			}
		}
	});
});

describe('release workflow (.github/workflows/n8n-release.yml)', () => {
	const text = existsSync(workflowFile) ? readFileSync(workflowFile, 'utf8') : '';

	it('exists, runs on a tag and may mint the OIDC token provenance needs', () => {
		expect(text).not.toBe('');
		expect(text).toMatch(/push:\s*\n\s*tags:/);
		expect(text).toMatch(/id-token:\s*write/);
		expect(text).toMatch(/working-directory:\s*n8n_nodes/);
	});

	it('installs from the lock, runs the lint, build and tests, then publishes with provenance', () => {
		const runTests = readFileSync(path.join(root, 'run-tests.sh'), 'utf8');
		expect(text).toContain('run-tests.sh');
		for (const step of ['npm ci', 'npm run --silent lint', 'npm run --silent build', 'npx jest', 'test:e2e']) {
			expect(runTests).toContain(step);
		}
		const tests = text.indexOf('bash ./run-tests.sh');
		const publish = text.lastIndexOf('npm publish --provenance');
		expect(publish).toBeGreaterThan(tests);
	});
});

describe.each(codexFiles)('codex %s', (file) => {
	const codex = JSON.parse(readFileSync(path.join(root, file), 'utf8'));

	it('stays out of the reserved "AI" category', () => {
		expect(codex.categories).not.toContain('AI');
		expect(codex.categories.length).toBeGreaterThan(0);
	});

	it('links only to headings that exist in this README', () => {
		const urls: string[] = Object.values(codex.resources as Record<string, Array<{ url: string }>>)
			.flat()
			.map((resource) => resource.url);
		expect(urls.length).toBeGreaterThan(0);
		for (const url of urls) {
			expect(url.startsWith(pkg.homepage.replace(/#readme$/, ''))).toBe(true);
			const anchor = url.split('#')[1];
			expect({ url, found: anchors.has(anchor) }).toEqual({ url, found: true });
		}
	});
});

it("the credential's documentation link points to an existing heading", () => {
	const source = readFileSync(path.join(root, 'credentials', 'SymblConnectorApi.credentials.ts'), 'utf8');
	const url = /documentationUrl\s*=\s*'([^']+)'/.exec(source)?.[1] ?? '';
	expect(url.startsWith(pkg.homepage.replace(/#readme$/, ''))).toBe(true);
	expect(anchors.has(url.split('#')[1])).toBe(true);
});

it('the README states no hand-counted test counts or timings', () => {
	expect(readme).not.toMatch(/\b(about|takes|in)\s+\d+\s*(s|seconds|min|minutes)\b/i);
	expect(readme).not.toMatch(/\b\d+\s+(tests|test cases)\b/i);
});
