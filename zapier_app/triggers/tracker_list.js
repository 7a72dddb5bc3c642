'use strict';

// A hidden trigger: the trackers saved in the Symbl account (GET /v1/trackers), for dynamic
// dropdowns: "Saved Trackers" on Process/Append and "Tracker" on Create or Update Tracker.
// The dropdowns use the name as the value (the facade applies saved trackers by name).
// Zapier needs an `id` on every item.

const perform = async (z) => {
  const response = await z.request({ method: 'GET', url: '/v1/trackers' });
  return (response.data.trackers || []).map((tracker) => ({
    id: tracker.id,
    name: tracker.name,
    vocabulary: tracker.vocabulary,
    phrase_count: tracker.vocabulary.length,
  }));
};

module.exports = {
  key: 'tracker_list',
  noun: 'Tracker',
  display: {
    label: 'List Trackers',
    description: 'Lists the trackers saved in the Symbl account (powers the tracker dropdowns).',
    hidden: true,
  },
  operation: {
    perform,
    sample: { id: '5243525907087360', name: 'Competitor', vocabulary: ['Acme', 'Globex'], phrase_count: 2 },
    outputFields: [
      { key: 'id', label: 'Tracker ID' },
      { key: 'name', label: 'Name' },
      { key: 'vocabulary', label: 'Phrases', list: true },
      { key: 'phrase_count', label: 'Number of Phrases', type: 'integer' },
    ],
  },
};
