'use strict';

const { contentFields, optionFields, waitField, processAgainField, inputFieldGroups, inGroup } = require('../lib/input_fields');
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
      'Sends a transcript, recording or video to Symbl and returns the summary, topics, action items, questions and follow-ups.',
  },
  operation: {
    inputFieldGroups,
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
    ],
    perform,
    performResume,
    sample,
    outputFields: insightsOutputFields,
  },
};
