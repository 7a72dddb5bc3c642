'use strict';

// Files for later steps: Process Batch's CSV export and Find's transcript are dehydrated
// files (no facade link needing the API key); hydrating them stashes the real bytes.
const { App, appTester, authData, facade, zapier } = require('../support/app');
const { startZapierFiles } = require('../support/zapier_files');

const handler = zapier.createAppHandler(App);
const DEHYDRATED = /^hydrate\|\|\|.+\|\|\|hydrate$/;
const hydrationOf = (value) => JSON.parse(value.replace(/^hydrate\|\|\|/, '').replace(/\|\|\|hydrate$/, ''));

describe('files for later steps', () => {
  let files;
  beforeAll(async () => {
    files = await startZapierFiles();
  });
  afterAll(() => files.close());

  // Hydrate as Zapier would when a later step reads the file.
  const hydrate = async (dehydrated) => {
    const { method, bundle } = hydrationOf(dehydrated);
    // The RPC client authenticates with a deploy key when the event has no token (a token
    // would also turn on Zapier's remote logging, which these machines cannot reach).
    process.env.ZAPIER_DEPLOY_KEY = 'test-deploy-key';
    let out;
    try {
      out = await handler({ command: 'execute', method, bundle: { authData: authData(), inputData: bundle }, rpc_base: files.rpcBase });
    } finally {
      delete process.env.ZAPIER_DEPLOY_KEY;
    }
    return { url: out.results, upload: files.uploads[files.uploads.length - 1] };
  };

  it('Find: the whole transcript as a text file', async () => {
    const transcript = 'Dana: Thanks for joining, Marco.\nMarco: Glad to be here, send the proposal.';
    const made = await facade('POST', '/v1/conversations', { transcript, name: 'Filed', wait: 20 });
    const [found] = await appTester(App.searches.find_conversation_insights.operation.perform, {
      authData: authData(),
      inputData: { conversation_id: made.data.conversation_id },
    });
    expect(found.transcript_file).toMatch(DEHYDRATED);
    expect(found.transcript_file).not.toContain(process.env.FACADE_API_KEY);
    expect(found.links.insights).toBeDefined();

    const { url, upload } = await hydrate(found.transcript_file);
    expect(url).toMatch(/\/s3\/stash\/\d+$/);
    expect(upload.form).toContain(`filename="symbl-transcript-${made.data.conversation_id}.txt"`);
    expect(upload.form).toContain('Content-Type: text/plain');
    expect(upload.form).toMatch(/Dana: Thanks for joining, Marco\.\r?\nMarco: Glad to be here, send the proposal\./);
  });

  it('Process Batch: the insights CSV as a file', async () => {
    const out = await appTester(App.creates.process_batch.operation.perform, {
      authData: authData(),
      inputData: { items: [{ transcript: 'Dana: batch file one.', name: 'CSV one', key: `csv-${Date.now()}` }] },
    });
    expect(out.insights_csv).toMatch(DEHYDRATED);
    expect(out.insights_csv_url).toBeUndefined();
    // Wait for the item, then read the file as a later step would.
    for (let i = 0; i < 40; i += 1) {
      if ((await facade('GET', `/v1/batches/${out.batch_id}`)).data.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const { upload } = await hydrate(out.insights_csv);
    expect(upload.form).toContain(`filename="symbl-batch-${out.batch_id}.csv"`);
    expect(upload.form).toContain('Content-Type: text/csv');
    expect(upload.form).toMatch(/conversation_id,job_id,status,name/);
    expect(upload.form).toContain('CSV one');
  });
});
