'use strict';

const { contentFields, optionFields, waitField, processAgainField, conversationIdField, inputFieldGroups, inGroup } = require('../lib/input_fields');
const { insightsOutputFields } = require('../lib/output_fields');
const { submit, resume } = require('../lib/submission');
const { sample } = require('../lib/contract');

const perform = (z, bundle) =>
  submit(z, bundle, {
    method: 'PUT',
    path: `/v1/conversations/${encodeURIComponent(String(bundle.inputData.conversation_id).trim())}`,
    action: 'append_conversation',
  });

const performResume = resume;

const appendOptions = optionFields.filter((f) => ['language', 'speaker_count', 'tracker_names'].includes(f.key));

module.exports = {
  key: 'append_conversation',
  noun: 'Conversation',
  display: {
    label: 'Append to Conversation',
    description:
      'Adds more text, audio or video to a conversation Symbl already processed (e.g. the second part of a call) and returns the updated insights.',
  },
  operation: {
    inputFieldGroups,
    inputFields: [
      ...inGroup('basic', [conversationIdField('The conversation to add to.'), ...contentFields, waitField]),
      ...inGroup('advanced', [...appendOptions, processAgainField]),
    ],
    perform,
    performResume,
    sample,
    outputFields: insightsOutputFields,
  },
};
