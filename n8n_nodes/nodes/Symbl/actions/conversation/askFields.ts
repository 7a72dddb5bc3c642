/**
 * Questions for Nebula, shared by Conversation → Ask and the Process/Append options: the typed
 * fields to extract (each key becomes an output key, typed as declared or null) and how they map
 * onto the facade's `fields` list. The facade validates keys, types and enum options (400 with a
 * message that says what to fix), so the node does not repeat those rules.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

/** One entry of the Fields collection as n8n hands it over. */
interface AskFieldParameter {
	key?: string;
	description?: string;
	type?: string;
	options?: string;
}

export const askFieldValues: INodeProperties[] = [
	{
		displayName: 'Key',
		name: 'key',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'budget',
		description:
			'The output key: lower case letters, digits and _, starting with a letter (conversation_id, question, answer, answers and warnings are taken)',
	},
	{
		displayName: 'Description',
		name: 'description',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'the budget the customer named',
		description: 'What to find in the conversation, in plain words',
	},
	{
		displayName: 'Type',
		name: 'type',
		type: 'options',
		default: 'string',
		options: [
			{ name: 'Boolean', value: 'boolean' },
			{ name: 'Date', value: 'date', description: 'YYYY-MM-DD' },
			{ name: 'Enum', value: 'enum', description: 'One of the given options' },
			{ name: 'Number', value: 'number' },
			{ name: 'String', value: 'string' },
		],
		description: 'The type of the value; a value that does not fit becomes null with a wrong_type warning',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'string',
		default: '',
		placeholder: 'demo, negotiation, closed',
		description: 'Comma-separated allowed values',
		displayOptions: { show: { type: ['enum'] } },
	},
];

/** The Fields collection: one key per entry in the output. */
export const askFieldsCollection = {
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	default: {},
	placeholder: 'Add Field',
	options: [{ displayName: 'Field', name: 'field', values: askFieldValues }],
} satisfies Partial<INodeProperties>;

function splitList(value: unknown): string[] {
	return String(value ?? '')
		.split(/[,\n]/)
		.map((entry) => entry.trim())
		.filter((entry) => entry !== '');
}

/** The facade's `fields` list from the collection's value; wholly empty entries are skipped. */
export function askFieldsOf(value: unknown): IDataObject[] {
	const entries = ((value as IDataObject | undefined)?.field ?? []) as AskFieldParameter[];
	return entries
		.filter((entry) => `${entry.key ?? ''}${entry.description ?? ''}`.trim() !== '')
		.map((entry) => {
			const type = entry.type || 'string';
			const field: IDataObject = {
				key: String(entry.key ?? '').trim(),
				description: String(entry.description ?? '').trim(),
				type,
			};
			if (type === 'enum') field.options = splitList(entry.options);
			return field;
		});
}
