// Make the headless test copy of example workflow (1): `n8n execute` cannot start from a webhook
// trigger or reach Slack/HubSpot, so, keeping every node name (and so every connection):
// - the trigger "Transcript Received" becomes a Manual Trigger;
// - the "Transcript" Set node gets literal values instead of expressions on the webhook body;
// - the Slack and HubSpot nodes become No Operation nodes (they pass the Symbl item through).
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { packageRoot } from './n8n.mjs';

export const WORKFLOW_1 = path.join(packageRoot, 'workflows', '1-transcript-to-slack-and-crm.json');
export const TRIGGER = 'Transcript Received';
export const STEPS_TO_STUB = ['Post to Slack', 'HubSpot: Add Note', 'HubSpot: Add Task', 'HubSpot: Update Deal'];

export function testCopyOfWorkflow1({ transcript, title, id = 'e2eTranscriptToCrm' }) {
	const workflow = JSON.parse(readFileSync(WORKFLOW_1, 'utf8'));
	workflow.id = id;
	workflow.name = `${workflow.name} (headless test copy)`;
	workflow.nodes = workflow.nodes.map((node) => {
		if (node.name === TRIGGER) {
			return { id: node.id, name: node.name, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: node.position, parameters: {} };
		}
		if (node.name === 'Transcript') {
			const values = { transcript, title, hubspot_contact_id: '0', hubspot_deal_id: '0' };
			const assignments = node.parameters.assignments.assignments.map((a) => ({ ...a, value: values[a.name] }));
			return { ...node, parameters: { ...node.parameters, assignments: { assignments } } };
		}
		if (STEPS_TO_STUB.includes(node.name)) {
			return { id: node.id, name: node.name, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: node.position, parameters: {} };
		}
		return node;
	});
	return workflow;
}
