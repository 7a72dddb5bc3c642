'use strict';

// Offline checks of the committed contract and the fields derived from it.
const contract = require('../../lib/contract');
const { insightsOutputFields, askOutputFields, outputFieldsFrom, isOpenObject } = require('../../lib/output_fields');
const App = require('../../index');

const root = contract.rootSchema();
const byKey = Object.fromEntries(insightsOutputFields.map((f) => [f.key, f]));

describe('output fields from lib/contract.json', () => {
  it('labels every scalar field with its contract title', () => {
    for (const [key, prop] of Object.entries(root.properties)) {
      const node = contract.resolve(contract.committed.schemas, prop);
      if (node.type === 'array' || node.properties) continue;
      if (isOpenObject(node)) {
        expect(byKey[key]).toBeUndefined(); // keys chosen per step: dynamic output fields
        continue;
      }
      expect(byKey[key]).toBeDefined();
      expect(byKey[key].label).toBe(prop.title);
    }
  });

  it('makes line items of every array of objects', () => {
    for (const parent of ['action_items', 'questions', 'follow_ups', 'topic_list', 'entities', 'trackers', 'members']) {
      expect(byKey[`${parent}[]text`] || byKey[`${parent}[]name`] || byKey[`${parent}[]type`]).toBeDefined();
    }
    expect(byKey['action_items[]text'].label).toBe('Action Items: Text');
    expect(byKey['links__insights']).toBeDefined();
  });

  it('is exactly what the derivation gives (nothing added by hand)', () => {
    expect(insightsOutputFields).toEqual(outputFieldsFrom(contract.committed));
    expect(askOutputFields).toEqual(outputFieldsFrom(contract.committed, 'AskAnswer'));
  });

  it('has the Call Score, answer and summary page fields, and no static field for the open answers object', () => {
    expect(byKey.call_score).toEqual({ key: 'call_score', label: 'Call Score', type: 'integer' });
    expect(byKey['call_score_criteria[]positive'].label).toBe('Call Score Criteria: Positive Feedback');
    for (const key of ['call_score_summary', 'call_score_text', 'answer', 'summary_url']) expect(byKey[key]).toBeDefined();
    expect(byKey.answers).toBeUndefined();
    expect(askOutputFields.map((f) => f.key)).toEqual(['conversation_id', 'question', 'answer', 'warnings[]part', 'warnings[]code', 'warnings[]message']);
  });

  // The operations that return conversation insights; others (the tracker ones) have their own shape.
  const INSIGHT_OPERATIONS = [
    App.creates.process_conversation,
    App.creates.append_conversation,
    App.searches.find_conversation_insights,
    App.triggers.conversation_processed,
  ];

  it('gives every insight operation a sample with every contract key (and output fields for any extra)', () => {
    for (const op of INSIGHT_OPERATIONS) {
      expect(op).toBeDefined();
      const keys = Object.keys(op.operation.sample);
      expect(keys).toEqual(expect.arrayContaining(Object.keys(root.properties)));
      const described = new Set(op.operation.outputFields.map((f) => f.key));
      const extra = keys.filter((k) => !(k in root.properties));
      expect([op.key, extra.filter((k) => !described.has(k))]).toEqual([op.key, []]);
    }
  });

  it('gives every other operation a sample that its output fields describe', () => {
    const others = [...Object.values(App.creates), ...Object.values(App.searches), ...Object.values(App.triggers)]
      .filter((op) => !INSIGHT_OPERATIONS.includes(op));
    for (const op of others) {
      // a line item `warnings[]code` or a nested `links__job` describes its parent key
      const described = new Set(op.operation.outputFields.map((f) => f.key && f.key.split(/\[\]|__/)[0]));
      expect([op.key, Object.keys(op.operation.sample).filter((k) => !described.has(k))]).toEqual([op.key, []]);
    }
  });

  it('keeps every key present and empty in a pending object', () => {
    const empty = contract.emptyInsights();
    expect(Object.keys(empty).sort()).toEqual(Object.keys(root.properties).sort());
    expect(empty.action_items).toEqual([]);
    expect(empty.links).toEqual({ insights: '', job: '' });
  });
});
