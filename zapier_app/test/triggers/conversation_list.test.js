'use strict';

const { App, appTester, authData, facade } = require('../support/app');

// D004: every ID input is a dynamic dropdown fed by a hidden trigger, free text still allowed.
describe('List Conversations (hidden trigger for the Conversation dropdowns)', () => {
  it('is hidden and feeds the Conversation input of Append and Find', () => {
    expect(App.triggers.conversation_list.display.hidden).toBe(true);
    for (const op of [App.creates.append_conversation, App.searches.find_conversation_insights]) {
      const field = op.operation.inputFields.find((f) => f.key === 'conversation_id');
      expect(field).toMatchObject({ dynamic: 'conversation_list.id.label', type: 'string', required: true });
      expect(field.choices).toBeUndefined(); // static choices would refuse a typed or mapped ID
      expect(field.helpText).toMatch(/map or type a Conversation ID/);
    }
  });

  it('lists this key\'s conversations newest first, once each (an append is not a second entry)', async () => {
    const first = await facade('POST', '/v1/conversations', { transcript: 'Dana: first one.', name: 'Dropdown first', wait: 20 });
    const second = await facade('POST', '/v1/conversations', { transcript: 'Dana: second one.', name: 'Dropdown second', wait: 20 });
    await facade('PUT', `/v1/conversations/${first.data.conversation_id}`, { transcript: 'Dana: appended.', wait: 20 });

    const results = await appTester(App.triggers.conversation_list.operation.perform, { authData: authData(), inputData: {}, meta: { isFillingDynamicDropdown: true } });
    const ids = results.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    // The append made the first conversation the most recently touched one.
    expect(ids.indexOf(first.data.conversation_id)).toBeLessThan(ids.indexOf(second.data.conversation_id));
    expect(results.find((r) => r.id === second.data.conversation_id)).toMatchObject({
      conversation_id: second.data.conversation_id,
      name: 'Dropdown second',
      status: 'completed',
      label: expect.stringMatching(/^Dropdown second \(\d{4}-\d\d-\d\d \d\d:\d\d, completed\)$/),
    });
  });

  it('a picked or typed ID works on Find', async () => {
    const made = await facade('POST', '/v1/conversations', { transcript: 'Dana: find me.', name: 'Typed', wait: 20 });
    const results = await appTester(App.searches.find_conversation_insights.operation.perform, {
      authData: authData(),
      inputData: { conversation_id: ` ${made.data.conversation_id} ` },
    });
    expect(results[0]).toMatchObject({ conversation_id: made.data.conversation_id, name: 'Typed' });
  });
});
