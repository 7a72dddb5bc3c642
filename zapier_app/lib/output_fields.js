'use strict';

// Zapier outputFields derived from the flat contract: scalars keep the facade's `title` as
// their label; arrays of objects become line items (`action_items[]text`), nested objects
// `links__job`. An open object (`answers`: keys chosen by the user) has no static fields: its
// keys come from the step's own input (lib/ask_fields.js). The drift test rebuilds this list
// from the live /openapi.json.

const contract = require('./contract');

const ZAPIER_TYPES = { string: 'string', integer: 'integer', number: 'number', boolean: 'boolean' };

const scalarField = (key, label, node) => {
  const field = { key, label };
  const type = ZAPIER_TYPES[node.type] || (node.enum ? 'string' : undefined);
  if (type) field.type = type;
  return field;
};

const childFields = (schemas, parentKey, parentTitle, separator, schema) =>
  Object.entries(schema.properties || {}).map(([key, prop]) => {
    const node = contract.resolve(schemas, prop);
    const label = parentTitle ? `${parentTitle}: ${prop.title || key}` : prop.title || key;
    return scalarField(`${parentKey}${separator}${key}`, label, node);
  });

// An object whose keys are not known in advance (`additionalProperties`, no `properties`).
const isOpenObject = (node) => node.type === 'object' && !node.properties;

const outputFieldsFrom = (c, root = c.root) => {
  const { schemas } = c;
  const fields = [];
  for (const [key, prop] of Object.entries(contract.rootSchema(c, root).properties)) {
    const node = contract.resolve(schemas, prop);
    const title = prop.title || key;
    if (isOpenObject(node)) continue;
    if (node.type === 'array') {
      const item = contract.resolve(schemas, node.items || {});
      if (!item.properties) throw new Error(`${key}: arrays must hold flat objects (see contract.py)`);
      fields.push(...childFields(schemas, key, title, '[]', item));
    } else if (node.properties) {
      fields.push(...childFields(schemas, key, '', '__', node));
    } else {
      fields.push(scalarField(key, title, node));
    }
  }
  return fields;
};

module.exports = {
  outputFieldsFrom,
  isOpenObject,
  insightsOutputFields: outputFieldsFrom(contract.committed),
  askOutputFields: outputFieldsFrom(contract.committed, contract.ASK_ROOT),
};
