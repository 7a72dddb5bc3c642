'use strict';

// Zapier outputFields derived from the flat contract: scalars keep the facade's `title` as
// their label; arrays of objects become line items (`action_items[]text`), nested objects
// `links__job`. The drift test rebuilds this list from the live /openapi.json.

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

const outputFieldsFrom = (c) => {
  const { schemas } = c;
  const fields = [];
  for (const [key, prop] of Object.entries(contract.rootSchema(c).properties)) {
    const node = contract.resolve(schemas, prop);
    const title = prop.title || key;
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
  insightsOutputFields: outputFieldsFrom(contract.committed),
};
