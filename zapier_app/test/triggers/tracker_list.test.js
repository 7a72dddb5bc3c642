'use strict';

const { App, appTester, authData, facade } = require('../support/app');

const { perform } = App.triggers.tracker_list.operation;
const NAME = `Zapier dropdown ${Date.now()}`;

describe('List Trackers (hidden trigger for the dropdowns)', () => {
  let created;
  beforeAll(async () => {
    created = await facade('POST', '/v1/trackers', { name: NAME, vocabulary: ['renewal', 'cancel'] });
    expect(created.status).toBe(201);
  });

  it('lists the saved trackers with an id and a name', async () => {
    const items = await appTester(perform, { authData: authData(), inputData: {} });
    expect(items).toContainEqual({ id: created.data.id, name: NAME, vocabulary: ['renewal', 'cancel'], phrase_count: 2 });
    for (const item of items) expect(item).toEqual({ id: expect.any(String), name: expect.any(String), vocabulary: expect.any(Array), phrase_count: expect.any(Number) });
  });

  it('powers the "Saved Trackers" dropdown of Process and Append with the tracker name as the value', () => {
    for (const op of [App.creates.process_conversation, App.creates.append_conversation]) {
      const field = op.operation.inputFields.find((f) => f.key === 'tracker_names');
      expect(field).toMatchObject({ dynamic: 'tracker_list.name.name', list: true });
    }
    const name = App.creates.create_or_update_tracker.operation.inputFields.find((f) => f.key === 'name');
    expect(name.dynamic).toBe('tracker_list.name.name');
  });

  it('a picked name applies the saved tracker to Process Conversation', async () => {
    const out = await appTester(App.creates.process_conversation.operation.perform, {
      authData: authData(),
      inputData: { transcript: 'Dana: We should talk about the renewal.\nMarco: Or I cancel.', tracker_names: [NAME] },
      meta: { isLoadingSample: true },
    });
    expect(out.status).toBe('completed');
    expect(out.trackers).toContainEqual(expect.objectContaining({ name: NAME }));
  });

  it('an unknown name is refused with the facade\'s message', async () => {
    const err = await appTester(App.creates.process_conversation.operation.perform, {
      authData: authData(),
      inputData: { transcript: 'Dana: Hi', tracker_names: ['No such tracker here'], wait_for_result: false },
    }).catch((e) => e);
    expect(JSON.parse(err.message)).toMatchObject({ code: 'invalid_request', status: 400, message: expect.stringContaining('No such tracker here') });
  });

  it('fails on bad auth', async () => {
    const err = await appTester(perform, { authData: authData({ api_key: 'wrong' }), inputData: {} }).catch((e) => e);
    expect(err.name).toBe('ExpiredAuthError');
  });
});
