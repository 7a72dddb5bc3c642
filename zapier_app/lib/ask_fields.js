'use strict';

// Questions answered by Nebula: the "Question" input, the "Fields" line items (one value to
// extract per line: key, description, type, options), what the facade gets from them
// (`ask` / `question` and `fields: [{key, description, type, options?}]`), and the output fields
// their keys become (dynamic: `answers__budget` on Process, `budget` on Ask).

const FIELD_TYPES = ['string', 'number', 'boolean', 'date', 'enum'];
const OUTPUT_TYPES = { string: 'string', number: 'number', boolean: 'boolean', date: 'string', enum: 'string' };

const questionField = (key, helpText) => ({
  key,
  label: 'Question',
  type: 'text',
  required: false,
  placeholder: 'Who needs to sign off on the purchase?',
  helpText,
});

// A line-item field cannot have its own helpText (Zapier's schema), so `helpText` heads the key's.
const fieldsField = (helpText) => ({
  key: 'fields',
  label: 'Fields to Extract',
  required: false,
  children: [
    {
      key: 'field_key',
      label: 'Field Key',
      type: 'string',
      required: false,
      placeholder: 'budget',
      helpText: `${helpText} Field Key: the output field's name, letters, digits and _ (e.g. \`budget\`, \`decision_date\`); upper case and spaces become lower case and _.`,
    },
    {
      key: 'field_description',
      label: 'Field Description',
      type: 'string',
      required: false,
      placeholder: 'the budget the customer named',
      helpText: 'What to find, in plain words.',
    },
    {
      key: 'field_type',
      label: 'Field Type',
      type: 'string',
      required: false,
      choices: FIELD_TYPES,
      default: 'string',
      helpText: 'string, number, boolean, date (YYYY-MM-DD) or enum (one of the options). A value that does not fit the type is left empty.',
    },
    {
      key: 'field_options',
      label: 'Field Options (enum)',
      type: 'string',
      required: false,
      placeholder: 'demo, negotiation, closed',
      helpText: 'For type enum only: the allowed values, comma-separated.',
    },
  ],
});

const splitList = (text) =>
  String(text || '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

// "Deal Budget" -> "deal_budget"; the facade checks the rest (reserved keys, length).
const normaliseKey = (key) =>
  String(key || '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

// The facade's `fields` from the line items (empty lines are skipped).
const askFieldsOf = (lines) =>
  (Array.isArray(lines) ? lines : [])
    .filter((line) => line && typeof line === 'object')
    .map((line) => {
      const type = String(line.field_type || 'string').trim().toLowerCase() || 'string';
      const field = { key: normaliseKey(line.field_key), description: String(line.field_description || '').trim(), type };
      if (type === 'enum') field.options = splitList(line.field_options);
      return field;
    })
    .filter((field) => field.key || field.description);

// One output field per requested key, so a later step can map it before the first run.
const answerOutputFields = (prefix) => (z, bundle) =>
  askFieldsOf((bundle.inputData || {}).fields)
    .filter((field) => field.key)
    .map((field) => ({
      key: `${prefix}${field.key}`,
      label: `${prefix ? 'Answers: ' : ''}${field.description || field.key}`,
      type: OUTPUT_TYPES[field.type] || 'string',
    }));

module.exports = { questionField, fieldsField, askFieldsOf, answerOutputFields, normaliseKey, FIELD_TYPES };
