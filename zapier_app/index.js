'use strict';

const authentication = require('./authentication');
const middleware = require('./middleware');
const processConversation = require('./creates/process_conversation');
const appendConversation = require('./creates/append_conversation');
const findConversationInsights = require('./searches/find_conversation_insights');
const conversationProcessed = require('./triggers/conversation_processed');
const conversationFailed = require('./triggers/conversation_failed');
const trackerList = require('./triggers/tracker_list');
const conversationList = require('./triggers/conversation_list');
const createOrUpdateTracker = require('./creates/create_or_update_tracker');
const processBatch = require('./creates/process_batch');
const askConversation = require('./creates/ask_conversation');
const hydrators = require('./lib/hydrators');

module.exports = {
  version: require('./package.json').version,
  platformVersion: require('zapier-platform-core').version,

  authentication,
  beforeRequest: [...middleware.befores],
  afterResponse: [...middleware.afters],
  hydrators: {
    batchInsightsCsv: hydrators.batchInsightsCsv,
    conversationTranscript: hydrators.conversationTranscript,
  },

  triggers: {
    [conversationProcessed.key]: conversationProcessed,
    [conversationFailed.key]: conversationFailed,
    [trackerList.key]: trackerList,
    [conversationList.key]: conversationList,
  },
  searches: {
    [findConversationInsights.key]: findConversationInsights,
  },
  creates: {
    [processConversation.key]: processConversation,
    [appendConversation.key]: appendConversation,
    [createOrUpdateTracker.key]: createOrUpdateTracker,
    [processBatch.key]: processBatch,
    [askConversation.key]: askConversation,
  },
};
