'use strict';

const {
  contentFields, optionFields, scoreFields, scoreGroup, waitField, processAgainField, inputFieldGroups, inGroup,
} = require('../lib/input_fields');
const { questionField, fieldsField, answerOutputFields } = require('../lib/ask_fields');
const { insightsOutputFields } = require('../lib/output_fields');
const { submit, resume } = require('../lib/submission');
const { sample } = require('../lib/contract');

const perform = (z, bundle) => submit(z, bundle, { method: 'POST', path: '/v1/conversations', action: 'process_conversation' });

const performResume = resume;

module.exports = {
  key: 'process_conversation',
  noun: 'Conversation',
  display: {
    label: 'Process Conversation',
    description:
      'Sends a transcript, recording or video to Symbl and returns the summary, topics, action items, questions and follow-ups (and, if asked, a Call Score, answers and a summary page link).',
  },
  operation: {
    inputFieldGroups: [...inputFieldGroups, scoreGroup],
    inputFields: [
      ...inGroup('basic', [
        {
          key: 'name',
          label: 'Conversation Name',
          type: 'string',
          required: false,
          helpText: 'Shown in Symbl and in the CRM note, e.g. "Call with Northwind".',
        },
        ...contentFields,
        waitField,
      ]),
      ...inGroup('advanced', [...optionFields, processAgainField]),
      ...inGroup(scoreGroup.key, [
        ...scoreFields,
        questionField('ask', 'A question for Nebula, Symbl\'s language model, answered from the transcript when the job is done; the answer is in `Answer`.'),
        fieldsField(
          'Values for Nebula to extract from the transcript, one per line; each comes back under Answers with its key (`answers__budget`), typed as declared or empty when the call does not say.',
        ),
      ]),
    ],
    perform,
    performResume,
    sample,
    // The Answers of the requested fields are known from the step's input: `answers__<key>`.
    outputFields: [...insightsOutputFields, answerOutputFields('answers__')],
  },
};
