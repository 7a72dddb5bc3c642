'use strict';

// Drift check: the committed contract and the output fields must match what the running
// facade publishes in GET /openapi.json (components.schemas.FlatInsights). On failure run
// `npm run gen:contract` and commit lib/contract.json.
const contract = require('../../lib/contract');
const { insightsOutputFields, askOutputFields, outputFieldsFrom } = require('../../lib/output_fields');

const FIX = 'lib/contract.json is stale: run `npm run gen:contract` and commit it';

describe('contract drift against the live /openapi.json', () => {
  let live;
  beforeAll(async () => {
    const response = await fetch(`${process.env.FACADE_URL}/openapi.json`);
    expect(response.status).toBe(200);
    live = contract.extractContract(await response.json());
  });

  it('has every scalar flat field, labelled with its title', () => {
    const byKey = Object.fromEntries(insightsOutputFields.map((f) => [f.key, f]));
    const root = live.schemas[live.root];
    for (const [key, prop] of Object.entries(root.properties)) {
      const node = contract.resolve(live.schemas, prop);
      if (node.type === 'array') {
        const item = contract.resolve(live.schemas, node.items);
        for (const [child, childProp] of Object.entries(item.properties)) {
          expect({ field: `${key}[]${child}`, label: byKey[`${key}[]${child}`] && byKey[`${key}[]${child}`].label })
            .toEqual({ field: `${key}[]${child}`, label: `${prop.title}: ${childProp.title}` });
        }
      } else if (node.type === 'object' && !node.properties) {
        expect(byKey[key]).toBeUndefined(); // an open object (answers): dynamic output fields
      } else if (node.properties) {
        for (const child of Object.keys(node.properties)) expect(byKey[`${key}__${child}`]).toBeDefined();
      } else {
        expect({ field: key, label: byKey[key] && byKey[key].label }).toEqual({ field: key, label: prop.title });
      }
    }
  });

  it('derives exactly the committed output fields', () => {
    expect(outputFieldsFrom(live)).toEqual(insightsOutputFields);
    expect(outputFieldsFrom(live, 'AskAnswer')).toEqual(askOutputFields);
  });

  it('commits the live schemas and sample', () => {
    if (JSON.stringify(contract.committed.schemas) !== JSON.stringify(live.schemas)) throw new Error(FIX);
    const example = (live.schemas[live.root].examples || [])[0];
    if (example && JSON.stringify(example) !== JSON.stringify(contract.sample)) throw new Error(`${FIX} (sample)`);
    expect(Object.keys(contract.sample).sort()).toEqual(Object.keys(live.schemas[live.root].properties).sort());
    expect(Object.keys(contract.askSample).sort()).toEqual(Object.keys(live.schemas.AskAnswer.properties).sort());
  });
});
