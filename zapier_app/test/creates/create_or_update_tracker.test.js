'use strict';

const { App, appTester, authData, facade } = require('../support/app');

const { perform } = App.creates.create_or_update_tracker.operation;
const bundle = (inputData) => ({ authData: authData(), inputData });
const NAME = `Zapier competitor ${Date.now()}`;

describe('Create or Update Tracker', () => {
  it('creates, then updates on a second run, then leaves the tracker alone', async () => {
    const created = await appTester(perform, bundle({ name: NAME, vocabulary: ['Acme', 'Globex'] }));
    expect(created).toEqual({
      id: expect.stringMatching(/\S/),
      name: NAME,
      vocabulary: ['Acme', 'Globex'],
      vocabulary_text: 'Acme, Globex',
      action: 'created',
      changed: true,
    });

    // a second run with other phrases (mapped as text) updates the same tracker
    const updated = await appTester(perform, bundle({ name: ` ${NAME} `, vocabulary: 'Acme\nInitech' }));
    expect(updated).toMatchObject({ id: created.id, name: NAME, action: 'updated', changed: true, vocabulary: ['Acme', 'Initech'] });
    const saved = await facade('GET', `/v1/trackers/${created.id}`);
    expect(saved.data).toEqual({ id: created.id, name: NAME, vocabulary: ['Acme', 'Initech'] });

    // the same set in another order: nothing to change
    const again = await appTester(perform, bundle({ name: NAME, vocabulary: ['Initech, Acme'] }));
    expect(again).toMatchObject({ id: created.id, action: 'unchanged', changed: false });

    const byName = await facade('GET', `/v1/trackers?name=${encodeURIComponent(NAME)}`);
    expect(byName.data.trackers).toHaveLength(1);
  });

  it('returns what its sample and output fields describe', async () => {
    const out = await appTester(perform, bundle({ name: `${NAME} shape`, vocabulary: ['price'] }));
    expect(Object.keys(out).sort()).toEqual(Object.keys(App.creates.create_or_update_tracker.operation.sample).sort());
  });

  it('explains a phrase with forbidden punctuation', async () => {
    const err = await appTester(perform, bundle({ name: NAME, vocabulary: ['what price?'] })).catch((e) => e);
    const parsed = JSON.parse(err.message);
    expect(parsed).toMatchObject({ code: 'invalid_tracker', status: 400 });
    expect(parsed.message).toContain('what price?');
  });

  it('fails on bad auth', async () => {
    const err = await appTester(perform, { authData: authData({ api_key: 'wrong' }), inputData: { name: NAME, vocabulary: ['a'] } })
      .catch((e) => e);
    expect(err.name).toBe('ExpiredAuthError');
  });
});
