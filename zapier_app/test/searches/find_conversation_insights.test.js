'use strict';

const { App, appTester, authData, facade } = require('../support/app');
const contract = require('../../lib/contract');

const { perform } = App.searches.find_conversation_insights.operation;

describe('Find Conversation Insights', () => {
  it('finds a processed conversation: one flat object', async () => {
    const done = await facade('POST', '/v1/conversations', {
      transcript: 'Dana: I will send the proposal by Friday.\nMarco: Can we meet on Tuesday?',
      name: 'Search me',
      wait: 20,
    });
    expect(done.status).toBe(200);

    const found = await appTester(perform, { authData: authData(), inputData: { conversation_id: ` ${done.data.conversation_id} ` } });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ conversation_id: done.data.conversation_id, name: 'Search me', status: 'completed' });
    expect(Object.keys(found[0]).sort()).toEqual([...Object.keys(contract.emptyInsights()), 'transcript_file'].sort());
  });

  it('returns an empty list for an unknown conversation ID', async () => {
    const found = await appTester(perform, { authData: authData(), inputData: { conversation_id: '9999999999999999' } });
    expect(found).toEqual([]);
  });

  it('still fails loudly on a wrong key', async () => {
    const err = await appTester(perform, {
      authData: authData({ api_key: 'wrong' }),
      inputData: { conversation_id: '9999999999999999' },
    }).catch((e) => e);
    expect(err.name).toBe('ExpiredAuthError');
  });
});
