#!/usr/bin/env node
'use strict';

// Regenerate lib/contract.json from the facade: FlatInsights and AskAnswer (and the schemas they
// reference) out of GET /openapi.json, plus realistic samples. The insights sample is the schema's
// own `examples` entry when the facade publishes one; otherwise a real sandbox conversation is
// processed. The Ask sample is the facade's real answer to SAMPLE_QUESTION about that call
// (with --openapi, no facade: the committed Ask sample is kept).
//
//   npm run gen:contract                       # starts a sandbox facade (`connector` on PATH)
//   CONNECTOR_URL=... CONNECTOR_API_KEY=... npm run gen:contract   # uses a running facade
//   node scripts/gen-contract.js --openapi openapi.json            # offline, from a saved document

const fs = require('fs');
const path = require('path');

const { extractContract } = require('../lib/contract');
const { startFacade, stopFacade } = require('../test/support/facade_server');

const OUT = path.join(__dirname, '..', 'lib', 'contract.json');
const SAMPLE_ORIGIN = 'https://connector.example.com';

// A short sales call, processed by the sandbox to produce the committed sample.
const SAMPLE_TRANSCRIPT = [
  'Dana Whitfield: Thanks for joining, Marco. I want to walk through the renewal for Northwind.',
  'Marco Ruiz: Sure. Our main concern is the price increase and the onboarding time for the new team.',
  'Dana Whitfield: Understood. I will send you the revised pricing proposal by Friday.',
  'Marco Ruiz: Great. Can you also include the onboarding plan for the support team?',
  'Dana Whitfield: Yes. Could we schedule a follow-up call next Tuesday with your CFO?',
  'Marco Ruiz: That works. I will check with Priya and confirm the time by email.',
  'Dana Whitfield: Perfect. We are also evaluating a discount if you sign for two years.',
  'Marco Ruiz: That would help a lot. Acme offered us something similar last month.',
].join('\n');

const SAMPLE_QUESTION = 'What is the main concern about the renewal?';

const argValue = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

const call = async (facade, method, urlPath, body) => {
  const response = await fetch(`${facade.url}${urlPath}`, {
    method,
    headers: { Authorization: `Bearer ${facade.apiKey}`, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(`${method} ${urlPath} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return JSON.parse(text);
};

// Point every facade URL in the sample at a neutral host.
const neutralise = (value, origin) =>
  JSON.parse(JSON.stringify(value).split(origin).join(SAMPLE_ORIGIN));

const sandboxSample = async (facade) => {
  const flat = await call(facade, 'POST', '/v1/conversations', {
    transcript: SAMPLE_TRANSCRIPT,
    name: 'Northwind renewal call',
    trackers: [{ name: 'Competitor', vocabulary: ['Acme', 'Globex'] }],
    wait: 30,
  });
  return neutralise(flat, facade.url);
};

// A real answer from the facade (Nebula in sandbox mode) to a question about the sample call,
// under the insights sample's conversation ID so that the two samples agree.
const askSample = async (facade, conversationId) => {
  const flat = await call(facade, 'POST', '/v1/conversations', {
    transcript: SAMPLE_TRANSCRIPT,
    name: 'Northwind renewal call',
    wait: 30,
  });
  const answer = await call(facade, 'POST', `/v1/conversations/${flat.conversation_id}/ask`, {
    question: SAMPLE_QUESTION,
    wait: 30,
  });
  return { ...answer, conversation_id: conversationId || answer.conversation_id };
};

const committedAskSample = () => {
  try {
    return JSON.parse(fs.readFileSync(OUT, 'utf8')).ask_sample;
  } catch (err) {
    return undefined;
  }
};

const main = async () => {
  const saved = argValue('--openapi');
  let facade;
  let started = false;
  if (!saved) {
    if (process.env.CONNECTOR_URL) {
      facade = { url: process.env.CONNECTOR_URL.replace(/\/+$/, ''), apiKey: process.env.CONNECTOR_API_KEY };
    } else {
      facade = await startFacade();
      started = true;
    }
  }
  try {
    const openapi = saved
      ? JSON.parse(fs.readFileSync(saved, 'utf8'))
      : await (await fetch(`${facade.url}/openapi.json`)).json();
    const contract = extractContract(openapi);
    const root = contract.schemas[contract.root];
    let sample = (root.examples && root.examples[0]) || root.example;
    let sampleSource = 'components.schemas.FlatInsights.examples[0]';
    if (!sample) {
      if (!facade) throw new Error('The document has no FlatInsights example; run against a facade.');
      sample = await sandboxSample(facade);
      sampleSource = 'a sandbox conversation processed by scripts/gen-contract.js';
    }
    const askAnswer = facade ? await askSample(facade, sample.conversation_id) : committedAskSample();
    if (!askAnswer) throw new Error('No Ask sample: run against a facade once.');
    const version = (openapi.info && openapi.info.version) || '';
    const out = {
      _generated: `By scripts/gen-contract.js from the facade's GET /openapi.json (version ${version}); do not edit.`,
      sample_source: sampleSource,
      root: contract.root,
      ask_root: contract.ask_root,
      schemas: contract.schemas,
      sample,
      ask_sample: askAnswer,
    };
    fs.writeFileSync(OUT, `${JSON.stringify(out, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), OUT)}: ${Object.keys(root.properties).length} fields, sample from ${sampleSource}`);
  } finally {
    if (started) await stopFacade(facade);
  }
};

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
