'use strict';

const zapier = require('zapier-platform-core');
const App = require('../index');

describe('app definition', () => {
  it('passes the platform schema validation', async () => {
    const response = await zapier.createAppHandler(App)({ command: 'validate' });
    expect(response.results).toEqual([]);
  });

  it('keys every operation by its own key', () => {
    for (const kind of ['creates', 'searches', 'triggers']) {
      for (const [key, op] of Object.entries(App[kind])) expect(op.key).toBe(key);
    }
  });
});
