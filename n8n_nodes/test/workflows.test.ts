/**
 * The example workflows stay importable and in step with the nodes: ids n8n accepts, connections
 * between existing nodes, and only parameters our nodes define.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { Symbl } from '../nodes/Symbl/Symbl.node';
import { SymblTrigger } from '../nodes/SymblTrigger/SymblTrigger.node';
import workflow1 from '../workflows/1-transcript-to-slack-and-crm.json';
import workflow2 from '../workflows/2-recording-callback-route.json';
import workflow3 from '../workflows/3-symbl-trigger-to-slack.json';

interface WorkflowNode {
	name: string;
	type: string;
	parameters: IDataObject;
	credentials?: IDataObject;
}
interface Workflow {
	id: string;
	nodes: WorkflowNode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
}

const ours: Record<string, INodeProperties[]> = {
	'n8n-nodes-symbl-connector.symbl': new Symbl().description.properties,
	'n8n-nodes-symbl-connector.symblTrigger': new SymblTrigger().description.properties,
};

describe.each([
	['1-transcript-to-slack-and-crm', workflow1 as unknown as Workflow],
	['2-recording-callback-route', workflow2 as unknown as Workflow],
	['3-symbl-trigger-to-slack', workflow3 as unknown as Workflow],
])('workflow %s', (_name, workflow) => {
	it('has an id n8n accepts (at most 21 characters)', () => {
		expect(workflow.id.length).toBeLessThanOrEqual(21);
	});

	it('connects only nodes that exist', () => {
		const names = new Set(workflow.nodes.map((node) => node.name));
		for (const [from, outputs] of Object.entries(workflow.connections)) {
			expect(names).toContain(from);
			for (const target of outputs.main.flat()) expect(names).toContain(target.node);
		}
	});

	it('sets only parameters and options that our nodes define', () => {
		for (const node of workflow.nodes.filter((n) => ours[n.type])) {
			const properties = ours[node.type];
			const names = new Set(properties.map((property) => property.name));
			for (const key of Object.keys(node.parameters)) expect([node.name, names.has(key) && key]).toEqual([node.name, key]);
			const options = node.parameters.options as IDataObject | undefined;
			const optionNames = new Set(
				properties
					.filter((property) => property.name === 'options')
					.flatMap((property) => (property.options ?? []).map((option) => (option as INodeProperties).name)),
			);
			for (const key of Object.keys(options ?? {})) expect([node.name, optionNames.has(key) && key]).toEqual([node.name, key]);
			expect(node.credentials).toEqual({ symblConnectorApi: { id: 'symblConnector01', name: 'Symbl Connector' } });
		}
	});
});
