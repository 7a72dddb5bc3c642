'use strict';

// Create a saved tracker, or replace the phrases of the one with that name. One call: the
// facade's declarative sync with a single tracker and delete_missing=false (PUT /v1/trackers,
// documented as "create or update by name"): it finds the tracker by its exact name, creates it
// when missing, updates it when its set of phrases differs, and leaves every other tracker alone.
// Running the Zap again with the same phrases changes nothing.

// Phrases may come as a Zapier list, or as text mapped from an earlier step ("Acme, Globex" or
// one per line). Commas are never part of a phrase (the facade refuses them), so splitting is safe.
const splitPhrases = (value) =>
  (Array.isArray(value) ? value : [value])
    .flatMap((entry) => String(entry === undefined || entry === null ? '' : entry).split(/\r?\n|,/))
    .map((phrase) => phrase.trim())
    .filter(Boolean);

const perform = async (z, bundle) => {
  const name = String(bundle.inputData.name || '').trim();
  const response = await z.request({
    method: 'PUT',
    url: '/v1/trackers',
    body: { trackers: [{ name, vocabulary: splitPhrases(bundle.inputData.vocabulary) }], delete_missing: false },
  });
  const result = response.data || {};
  // With one tracker sent and nothing deleted, exactly one of these lists holds it.
  const found = ['created', 'updated', 'unchanged']
    .map((action) => ({ action, tracker: (result[action] || [])[0] }))
    .find((entry) => entry.tracker);
  if (!found) {
    throw new z.errors.Error(
      `The Symbl connector did not report the tracker "${name}" as created, updated or unchanged (${result.summary || 'no summary'}).`,
      'unexpected_response',
      502,
    );
  }
  const { action, tracker } = found;
  return {
    id: tracker.id,
    name: tracker.name,
    vocabulary: tracker.vocabulary,
    vocabulary_text: tracker.vocabulary.join(', '),
    action,
    changed: Boolean(result.changed),
  };
};

module.exports = {
  key: 'create_or_update_tracker',
  noun: 'Tracker',
  display: {
    label: 'Create or Update Tracker',
    description:
      'Saves a tracker (a named set of phrases such as "Competitor": Acme, Globex) in the Symbl account, or replaces the phrases of the tracker with that name.',
  },
  operation: {
    inputFields: [
      {
        key: 'name',
        label: 'Tracker Name',
        required: true,
        dynamic: 'tracker_list.name.name',
        helpText:
          'Pick a saved tracker to update, or enter a new name to create one. Names are case-sensitive ("Pricing" and "pricing" are two trackers).',
      },
      {
        key: 'vocabulary',
        label: 'Phrases',
        required: true,
        list: true,
        helpText:
          "The phrases that count as a hit (5 to 50 work best). Letters, digits and spaces, with only . ' and - as punctuation; no phrase twice. These replace the tracker's current phrases.",
      },
    ],
    perform,
    sample: {
      id: '5243525907087360',
      name: 'Competitor',
      vocabulary: ['Acme', 'Globex'],
      vocabulary_text: 'Acme, Globex',
      action: 'created',
      changed: true,
    },
    outputFields: [
      { key: 'id', label: 'Tracker ID' },
      { key: 'name', label: 'Name' },
      { key: 'vocabulary', label: 'Phrases', list: true },
      { key: 'vocabulary_text', label: 'Phrases (text)' },
      { key: 'action', label: 'Action (created, updated or unchanged)' },
      { key: 'changed', label: 'Changed', type: 'boolean' },
    ],
  },
};
