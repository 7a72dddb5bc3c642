import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { splitPhrases } from '../../helpers/trackers';
import { facadeRequest } from '../../transport';

const showOnlyForCreateOrUpdate = { show: { resource: ['tracker'], operation: ['createOrUpdate'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Competitor',
		description:
			'The tracker to create, or to update if a saved tracker has exactly this name (case-sensitive)',
	},
	{
		displayName: 'Phrases',
		name: 'vocabulary',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'Acme, Globex, Initech',
		description:
			"Comma- or newline-separated phrases that count as a hit (5 to 50 work best); they replace the tracker's current phrases. Letters, digits and spaces, with only . ' - as punctuation.",
	},
];

export const description: INodeProperties[] = updateDisplayOptions(showOnlyForCreateOrUpdate, properties);

const ACTIONS = ['created', 'updated', 'unchanged'] as const;

/**
 * PUT /v1/trackers with this one tracker and `delete_missing: false`: the connector's declarative
 * sync finds it by name, creates it when missing, updates it when its set of phrases differs and
 * touches no other tracker. Outputs the tracker plus `action` and `changed`.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const name = String(this.getNodeParameter('name', itemIndex) ?? '').trim();
	const vocabulary = splitPhrases(this.getNodeParameter('vocabulary', itemIndex));
	if (name === '') {
		throw new NodeOperationError(this.getNode(), 'The tracker name is empty', { itemIndex });
	}
	if (vocabulary.length === 0) {
		throw new NodeOperationError(this.getNode(), 'The tracker has no phrases', {
			itemIndex,
			description: 'Enter at least one phrase, e.g. "Acme, Globex".',
		});
	}
	const response = await facadeRequest.call(this, {
		method: 'PUT',
		path: '/v1/trackers',
		body: { trackers: [{ name, vocabulary }], delete_missing: false },
	});
	const body = response.body;
	for (const action of ACTIONS) {
		const list = body[action];
		if (Array.isArray(list) && list.length > 0) {
			const tracker = list[0] as IDataObject;
			return [
				{
					id: tracker.id,
					name: tracker.name,
					vocabulary: tracker.vocabulary,
					action,
					changed: body.changed === true,
				},
			];
		}
	}
	throw new NodeOperationError(
		this.getNode(),
		`The Symbl connector did not report the tracker "${name}" as created, updated or unchanged`,
		{ itemIndex, description: String(body.summary ?? '') },
	);
}
