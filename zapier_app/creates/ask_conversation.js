'use strict';

// "Ask About a Conversation": POST /v1/conversations/{id}/ask with a question (-> `answer`) or
// fields to extract (-> one output field per key, typed as declared or empty).

const { conversationIdField } = require('../lib/input_fields');
const { questionField, fieldsField, askFieldsOf, answerOutputFields } = require('../lib/ask_fields');
const { askOutputFields } = require('../lib/output_fields');
const { askSample } = require('../lib/contract');

const ASK_WAIT_SECONDS = 15; // a job about to finish, then Nebula, within Zapier's 30 s
const REQUEST_TIMEOUT_MS = 27000;
const STILL_RUNNING_RETRY_SECONDS = 60;

const perform = async (z, bundle) => {
  const input = bundle.inputData || {};
  const id = String(input.conversation_id || '').trim();
  const question = String(input.question || '').trim();
  const fields = askFieldsOf(input.fields);
  if (Boolean(question) === Boolean(fields.length)) {
    throw new z.errors.Error(
      `Fill in either Question or Fields to Extract (${question ? 'both are filled in' : 'both are empty'}).`,
      'invalid_input',
      400,
    );
  }
  const response = await z.request({
    method: 'POST',
    url: `/v1/conversations/${encodeURIComponent(id)}/ask`,
    body: { ...(question ? { question } : { fields }), wait: ASK_WAIT_SECONDS },
    timeout: REQUEST_TIMEOUT_MS,
  });
  // The conversation's job is still running: Zapier tries the step again later.
  if (response.status === 202) {
    throw new z.errors.ThrottledError(
      `Symbl is still processing conversation ${id}; Zapier will ask again in ${STILL_RUNNING_RETRY_SECONDS} seconds.`,
      STILL_RUNNING_RETRY_SECONDS,
    );
  }
  return response.data;
};

module.exports = {
  key: 'ask_conversation',
  noun: 'Answer',
  display: {
    label: 'Ask About a Conversation',
    description:
      'Asks Nebula, Symbl\'s language model, a question about a processed conversation, or extracts typed values (budget, decision date, competitor ...) for CRM fields.',
  },
  operation: {
    inputFields: [
      conversationIdField('The conversation to ask about (it must be processed, or about to be).'),
      questionField('question', 'A question answered from the transcript, e.g. "What budget did the customer name?". Fill in this or Fields to Extract.'),
      fieldsField(
        'Values to extract, one per line; each key becomes an output field of its own (e.g. `budget`), typed as declared or empty when the call does not say. Fill in this or Question.',
      ),
    ],
    perform,
    sample: askSample,
    outputFields: [...askOutputFields, answerOutputFields('')],
  },
};
