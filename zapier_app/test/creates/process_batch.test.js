'use strict';

const { App, appTester, authData, facade } = require('../support/app');

const { perform } = App.creates.process_batch.operation;
const bundle = (inputData) => ({ authData: authData(), inputData });
const RUN = Date.now();

const lines = [
  { url: ' https://recordings.example.com/zapier/a.mp3 ', name: 'Call A', key: `zap-a-${RUN}` },
  { url: '', transcript: 'Alice: Can you send the quote by Friday?\nBob: Sure.', name: 'Call B', key: `zap-b-${RUN}` },
  { url: '', transcript: '', name: 'empty line' },
];

describe('Process Batch', () => {
  it('submits the line items as one batch and every item completes', async () => {
    const out = await appTester(perform, bundle({ items: lines, language: 'en-US' }));
    expect(out).toMatchObject({ status: 'running', total: 2 });
    expect(out.id).toBe(out.batch_id);
    expect(Object.keys(out).sort()).toEqual(Object.keys(App.creates.process_batch.operation.sample).sort());

    let got;
    for (let i = 0; i < 100; i++) {
      got = (await facade('GET', `/v1/batches/${out.batch_id}`)).data;
      if (got.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(got.counts.completed).toBe(2);
    expect(got.items.map((i) => i.key)).toEqual([`zap-a-${RUN}`, `zap-b-${RUN}`]);

    // the same lines again: nothing is sent twice, the items point to the earlier conversations
    const again = await appTester(perform, bundle({ items: lines }));
    const rerun = (await facade('GET', `/v1/batches/${again.batch_id}`)).data;
    expect(rerun.items.every((i) => i.reused)).toBe(true);
    expect(rerun.items[1].conversation_id).toBe(got.items[1].conversation_id);
  });

  it('explains an empty batch', async () => {
    const err = await appTester(perform, bundle({ items: [{ name: 'nothing' }] })).catch((e) => e);
    expect(err.message).toContain('at least one line item');
  });
});
