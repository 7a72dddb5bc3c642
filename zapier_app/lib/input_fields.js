'use strict';

// Input fields shared by "Process Conversation" and "Append to Conversation": what to
// process (exactly one source), the Symbl options, and whether to wait for the result.

const contentFields = [
  {
    key: 'transcript',
    label: 'Transcript Text',
    type: 'text',
    required: false,
    helpText:
      'A text conversation, one `Speaker: line` per line (lines without a speaker are fine). Fill in exactly one of Transcript Text, Audio URL, Video URL or File.',
  },
  {
    key: 'audio_url',
    label: 'Audio URL',
    type: 'string',
    required: false,
    helpText: 'A public https link to a recording (mp3, wav, m4a ...), e.g. from Zoom, Dropbox or Google Drive.',
  },
  {
    key: 'video_url',
    label: 'Video URL',
    type: 'string',
    required: false,
    helpText: 'A public https link to an mp4 video.',
  },
  {
    key: 'file',
    label: 'File',
    type: 'file',
    required: false,
    helpText: 'An audio file or an mp4 video from an earlier step (e.g. a new file in Google Drive).',
  },
];

// Saved trackers (GET /v1/trackers), applied by name: the facade sends their phrases inline.
const trackerNamesField = {
  key: 'tracker_names',
  label: 'Saved Trackers',
  required: false,
  list: true,
  dynamic: 'tracker_list.name.name',
  helpText:
    'Trackers saved in the Symbl account to apply to this conversation (see "Create or Update Tracker"). Names are case-sensitive.',
};

const optionFields = [
  {
    key: 'language',
    label: 'Language',
    type: 'string',
    required: false,
    placeholder: 'en-US',
    helpText: 'The spoken language as a BCP-47 code (audio and video only). Leave empty for English (en-US).',
  },
  {
    key: 'speaker_count',
    label: 'Number of Speakers',
    type: 'integer',
    required: false,
    helpText: 'How many people speak in the recording. Setting it turns on speaker separation (audio and video only).',
  },
  {
    key: 'enable_summary',
    label: 'Create a Summary',
    type: 'boolean',
    required: false,
    default: 'true',
  },
  {
    key: 'detect_entities',
    label: 'Detect Entities',
    type: 'boolean',
    required: false,
    default: 'true',
    helpText: 'People, organisations, dates and other named things.',
  },
  {
    key: 'trackers',
    label: 'Trackers',
    required: false,
    children: [
      {
        key: 'tracker_name',
        label: 'Tracker Name',
        type: 'string',
        required: false,
        helpText: 'Phrases to watch for, e.g. a "Competitor" tracker with "Acme, Globex". Each match is counted.',
      },
      {
        key: 'tracker_vocabulary',
        label: 'Tracker Phrases',
        type: 'string',
        required: false,
        helpText: 'Comma-separated words or phrases.',
      },
    ],
  },
  trackerNamesField,
];

// Call Score, questions for Nebula and the hosted summary page (Process Conversation).
const scoreFields = [
  {
    key: 'call_score',
    label: 'Score the Call',
    type: 'boolean',
    required: false,
    default: 'false',
    helpText:
      'Yes: Symbl scores the call (0-100, with a score per criterion) in `Call Score`, `Call Score (text)` and the Call Score Criteria line items. ' +
      'The score comes a little after the insights; if it is not ready in time the step has a `call_score_not_ready` warning and Find Conversation Insights returns it later. Needs a transcript of 50 words or more.',
  },
  {
    key: 'conversation_type',
    label: 'Conversation Type',
    type: 'string',
    required: false,
    choices: { sales: 'Sales', general: 'General' },
    helpText: 'For the Call Score: a Sales call in the Qualification stage also gets a Sales Process criterion.',
  },
  {
    key: 'sales_stage',
    label: 'Sales Stage',
    type: 'string',
    required: false,
    choices: {
      qualification: 'Qualification',
      discovery: 'Discovery',
      demo: 'Demo',
      negotiation: 'Negotiation',
      general: 'General',
    },
    helpText: 'For the Call Score of a sales call: the stage the call was in.',
  },
  {
    key: 'prospect_name',
    label: 'Prospect Name',
    type: 'string',
    required: false,
    helpText: 'For the Call Score: the company or person the call was with, e.g. "Northwind".',
  },
  {
    key: 'scorecard_id',
    label: 'Scorecard ID',
    type: 'string',
    required: false,
    helpText: 'For the Call Score: a scorecard made in the Symbl account. Leave empty for Symbl\'s default criteria.',
  },
  {
    key: 'summary_page',
    label: 'Create a Summary Page',
    type: 'boolean',
    required: false,
    default: 'false',
    helpText:
      'Yes: Symbl creates a hosted summary page of the conversation (shareable, kept for 30 days); its link is in `Summary Page URL` and in the Slack message and CRM note.',
  },
];

const waitField = {
  key: 'wait_for_result',
  label: 'Wait for Result',
  type: 'boolean',
  required: false,
  default: 'true',
  helpText:
    'Yes: the Zap pauses until Symbl has finished (minutes for recordings) and the next steps get the summary, action items and the rest. ' +
    'No: the step returns the conversation and job IDs at once; use the "Conversation Processed" trigger or "Find Conversation Insights" to get the insights later.',
};

const processAgainField = {
  key: 'process_again',
  label: 'Process Again',
  type: 'boolean',
  required: false,
  default: 'false',
  helpText:
    'No (default): when Zapier retries or replays this step, or this Zap sends exactly the same content again within 24 hours, ' +
    'Symbl is not asked twice: the step returns the first job\'s result. Yes: always start a new Symbl job.',
};

// Process Conversation and Append show their inputs in two groups (as Zapier's field groups):
// what to process, and the Symbl options most Zaps leave alone.
const inputFieldGroups = [
  { key: 'basic', label: 'Conversation', emphasize: true },
  { key: 'advanced', label: 'Advanced Options' },
];
// Process Conversation also has Call Score, questions and the summary page in a third group.
const scoreGroup = { key: 'score', label: 'Call Score, Questions and Summary Page' };
const inGroup = (group, fields) => fields.map((field) => ({ ...field, group }));

// The Conversation ID input of Append and Find: a dropdown fed by the hidden conversation_list trigger.
const conversationIdField = (helpText) => ({
  key: 'conversation_id',
  label: 'Conversation',
  type: 'string',
  required: true,
  dynamic: 'conversation_list.id.label',
  helpText: `${helpText} Pick one of the latest conversations sent with this API key (newest first), or map or type a Conversation ID.`,
});

module.exports = {
  contentFields,
  optionFields,
  scoreFields,
  scoreGroup,
  trackerNamesField,
  waitField,
  processAgainField,
  conversationIdField,
  inputFieldGroups,
  inGroup,
};
