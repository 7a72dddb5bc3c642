'use strict';

const { App, appTester, authData, facade } = require('../support/app');

const { perform } = App.creates.append_conversation.operation;
const bundle = (inputData, meta = { isLoadingSample: true }) => ({ authData: authData(), inputData, meta });

describe('Append to Conversation', () => {
  it('adds text to a processed conversation and returns the updated insights', async () => {
    const first = await facade('POST', '/v1/conversations', {
      transcript: 'Dana: Let us review the renewal.\nMarco: Sure.',
      name: 'Renewal, part 1',
      wait: 20,
    });
    expect(first.status).toBe(200);

    const out = await appTester(perform, bundle({
      conversation_id: first.data.conversation_id,
      transcript: 'Dana: Part two. I will send the proposal by Friday.\nMarco: Please also send the onboarding plan.',
    }));
    expect(out).toMatchObject({ conversation_id: first.data.conversation_id, status: 'completed' });
    expect(out.job_id).not.toBe(first.data.job_id);
  });

  it('says so when the conversation does not exist', async () => {
    const err = await appTester(perform, bundle({ conversation_id: '9999999999999999', transcript: 'Dana: hello' })).catch((e) => e);
    expect(JSON.parse(err.message)).toMatchObject({ code: 'conversation_not_found', status: 404 });
  });
});
