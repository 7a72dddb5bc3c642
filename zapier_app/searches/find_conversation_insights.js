'use strict';

const { insightsOutputFields } = require('../lib/output_fields');
const { pendingInsights } = require('../lib/submission');
const { pickInsights, sample } = require('../lib/contract');
const { facadeError, errorBody } = require('../lib/errors');
const { conversationIdField } = require('../lib/input_fields');

const hydrators = require('../lib/hydrators');

const SEARCH_WAIT_SECONDS = 10; // a conversation about to finish is returned finished

const perform = async (z, bundle) => {
  const id = String(bundle.inputData.conversation_id || '').trim();
  const response = await z.request({
    url: `/v1/conversations/${encodeURIComponent(id)}/insights`,
    params: { format: 'flat', wait: SEARCH_WAIT_SECONDS },
    skipThrowForStatus: true,
    timeout: 25000,
  });
  // An unknown conversation is "nothing found"; any other 404 (a wrong Connector URL) is an error.
  if (response.status === 404 && errorBody(response).code === 'conversation_not_found') return [];
  if (response.status === 202) return [{ ...pendingInsights(response.data), transcript_file: '' }];
  if (response.status !== 200) throw facadeError(z, response);
  const insights = pickInsights(response.data);
  // The whole transcript as a text file for later steps (transcript_text is capped in length).
  const transcriptFile = z.dehydrateFile(hydrators.conversationTranscript, { conversation_id: insights.conversation_id });
  return [{ ...insights, transcript_file: transcriptFile }];
};

module.exports = {
  key: 'find_conversation_insights',
  noun: 'Conversation Insights',
  display: {
    label: 'Find Conversation Insights',
    description:
      'Finds the summary, action items, questions and the rest of a processed conversation by its ID.',
  },
  operation: {
    inputFields: [
      conversationIdField('The conversation whose insights to find.'),
    ],
    perform,
    sample: { ...sample, transcript_file: 'SAMPLE FILE' },
    outputFields: [
      ...insightsOutputFields,
      { key: 'transcript_file', label: 'Transcript (file: the whole conversation, "Speaker: line" per message)', type: 'file' },
    ],
  },
};
