'use strict';

// The flat insights contract, as the facade publishes it in GET /openapi.json
// (components.schemas.FlatInsights). lib/contract.json is generated from there by
// `npm run gen:contract`; nothing in this app re-types a field by hand. It also holds AskAnswer
// (POST /v1/conversations/{id}/ask) and a sample answer, for "Ask About a Conversation".

const committed = require('./contract.json');

const ROOT = 'FlatInsights';
const ASK_ROOT = 'AskAnswer';

// Resolve a property schema to {ref} | {type, items...}, looking through the wrappers
// pydantic/OpenAPI generators use ($ref, allOf:[{$ref}], anyOf with null).
const resolve = (schemas, prop) => {
  let node = prop;
  for (let depth = 0; depth < 5 && node; depth += 1) {
    if (node.$ref) {
      const name = node.$ref.split('/').pop();
      if (!schemas[name]) throw new Error(`Unresolved $ref ${node.$ref}`);
      return { ...schemas[name], refName: name };
    }
    const wrapped = node.allOf || node.anyOf || node.oneOf;
    if (!wrapped) return node;
    node = wrapped.find((s) => s.type !== 'null') || wrapped[0];
  }
  return node;
};

// Pick FlatInsights, AskAnswer and every schema they reference out of an OpenAPI document.
const extractContract = (openapi) => {
  const schemas = (openapi.components && openapi.components.schemas) || {};
  for (const name of [ROOT, ASK_ROOT]) {
    if (!schemas[name]) {
      throw new Error(`components.schemas.${name} is missing from the facade's /openapi.json`);
    }
  }
  const picked = {};
  const visit = (name) => {
    if (picked[name]) return;
    picked[name] = schemas[name];
    const text = JSON.stringify(schemas[name]);
    for (const match of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      visit(match[1]);
    }
  };
  visit(ROOT);
  visit(ASK_ROOT);
  return { root: ROOT, ask_root: ASK_ROOT, schemas: picked };
};

// The value every field has when the facade leaves it empty ("" / 0 / false / [] / {}).
const emptyValue = (schemas, prop) => {
  if (prop.default !== undefined) return prop.default;
  const node = resolve(schemas, prop);
  if (node.type === 'array') return [];
  if (node.refName || node.type === 'object') return emptyObject(schemas, node);
  return { string: '', integer: 0, number: 0, boolean: false }[node.type] ?? '';
};

const emptyObject = (schemas, schema) => {
  const out = {};
  for (const [key, prop] of Object.entries(schema.properties || {})) {
    out[key] = emptyValue(schemas, prop);
  }
  return out;
};

const rootSchema = (contract = committed, name = contract.root) => contract.schemas[name];

// The flat object with every key present and empty, for answers that are not ready yet.
const emptyInsights = (contract = committed) => emptyObject(contract.schemas, rootSchema(contract));

// Keep only the contract's keys (drops `event`, `event_id` and anything undocumented).
const pickInsights = (data, contract = committed) => {
  const out = emptyInsights(contract);
  for (const key of Object.keys(out)) {
    if (data && data[key] !== undefined) out[key] = data[key];
  }
  return out;
};

module.exports = {
  committed,
  ASK_ROOT,
  extractContract,
  resolve,
  rootSchema,
  emptyInsights,
  pickInsights,
  sample: committed.sample,
  askSample: committed.ask_sample,
};
