/**
 * The fields Process and Append share: the input, the Symbl options and how to wait.
 * Each operation file applies its own display options with `updateDisplayOptions`.
 */
import type { INodeProperties } from 'n8n-workflow';

import { askFieldsCollection } from './askFields';

export const INSIGHT_PARTS = [
	{ name: 'Action Items', value: 'action_items' },
	{ name: 'Analytics', value: 'analytics' },
	{ name: 'Entities', value: 'entities' },
	{ name: 'Follow-Ups', value: 'follow_ups' },
	{ name: 'Messages', value: 'messages' },
	{ name: 'Questions', value: 'questions' },
	{ name: 'Summary', value: 'summary' },
	{ name: 'Topics', value: 'topics' },
	{ name: 'Trackers', value: 'trackers' },
];

/** Get Insights may also read the Call Score and create the summary page (docs/api.md). */
export const GET_INSIGHTS_PARTS = [
	...INSIGHT_PARTS,
	{ name: 'Call Score', value: 'call_score' },
	{ name: 'Summary Page URL', value: 'summary_url' },
].sort((a, b) => a.name.localeCompare(b.name));

export const splitLineItemsField: INodeProperties = {
	displayName: 'Split Line Items',
	name: 'splitLineItems',
	type: 'boolean',
	default: false,
	description:
		'Whether to output one item per action item (text, assignee, assignee_email, due, score plus the conversation ID, name and summary) instead of one item per conversation. A conversation without action items then outputs no items.',
};

export const submitFields: INodeProperties[] = [
	{
		displayName: 'Input',
		name: 'inputType',
		type: 'options',
		default: 'transcript',
		options: [
			{
				name: 'Transcript Text',
				value: 'transcript',
				description: 'Text with one "Speaker: line" per line',
			},
			{
				name: 'Recording URL',
				value: 'url',
				description: 'A public audio or video URL that Symbl can download',
			},
			{
				name: 'Binary File',
				value: 'binary',
				description: 'An audio or video file from a binary property of the input item',
			},
		],
	},
	{
		displayName: 'Transcript',
		name: 'transcript',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		required: true,
		placeholder: 'Alice: Can you send the proposal by Friday?\nBob: Sure, I will.',
		description: 'One "Speaker: line" per line; lines without a speaker are allowed',
		displayOptions: { show: { inputType: ['transcript'] } },
	},
	{
		displayName: 'Recording URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/calls/call.mp3',
		displayOptions: { show: { inputType: ['url'] } },
	},
	{
		displayName: 'Media Type',
		name: 'mediaType',
		type: 'options',
		default: 'auto',
		options: [
			{ name: 'From the URL', value: 'auto', description: '.mp4 .mov .webm are video, anything else audio' },
			{ name: 'Audio', value: 'audio_url' },
			{ name: 'Video', value: 'video_url' },
		],
		displayOptions: { show: { inputType: ['url'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field containing the audio or video file',
		displayOptions: { show: { inputType: ['binary'] } },
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until Symbl has finished and output the flat insights. Off: output the conversation and job IDs at once (use a callback URL, the Symbl Trigger or Get Insights later).',
	},
	{
		displayName: 'Max Wait (Seconds)',
		name: 'maxWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 900,
		description:
			'Give up waiting after this long (the job keeps running; get its insights later). Each call to the connector lasts under a minute.',
		displayOptions: { show: { waitForCompletion: [true] } },
	},
	{
		displayName: 'Wait Mode',
		name: 'waitMode',
		type: 'options',
		default: 'auto',
		options: [
			{
				name: 'Auto',
				value: 'auto',
				description:
					'Callback when n8n has a public https webhook URL and the node runs for one item, otherwise poll',
			},
			{
				name: 'Callback (Resume URL)',
				value: 'callback',
				description:
					"Pass this execution's resume URL as the callback URL and put the execution to wait (one input item; the connector must reach n8n's webhook URL)",
			},
			{
				name: 'Poll',
				value: 'poll',
				description: 'Keep the execution running and long-poll the connector until the job ends',
			},
		],
		description: 'How to wait for the job',
		displayOptions: { show: { waitForCompletion: [true] } },
	},
	{
		...splitLineItemsField,
		displayOptions: { show: { waitForCompletion: [true] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Ask a Question',
				name: 'ask',
				type: 'string',
				default: '',
				placeholder: 'Who needs to sign off?',
				description:
					"A question Nebula answers from the transcript when the job completes; the answer is in the output's answer field",
			},
			{
				displayName: 'Call Score',
				name: 'callScore',
				type: 'boolean',
				default: true,
				description:
					'Whether to have Symbl score the call (0-100 with per-criterion feedback in call_score, call_score_text and call_score_criteria). Needs a transcript of 50 words or more.',
			},
			{
				displayName: 'Callback URL',
				name: 'callbackUrl',
				type: 'string',
				default: '',
				placeholder: '={{ $execution.resumeUrl }}',
				description:
					'HTTPS URL the connector POSTs the result to when the job ends, e.g. a Wait node\'s resume URL',
			},
			{
				displayName: 'Confidence Threshold',
				name: 'confidenceThreshold',
				type: 'number',
				typeOptions: { minValue: 0.5, maxValue: 1, numberPrecision: 2 },
				default: 0.5,
				description: 'Minimum confidence (0.5 to 1) for insights to be reported',
			},
			{
				displayName: 'Conversation Type',
				name: 'conversationType',
				type: 'options',
				default: 'sales',
				options: [
					{ name: 'General', value: 'general' },
					{ name: 'Sales', value: 'sales' },
				],
				description: 'The kind of call, for the Call Score (a sales call is scored on its sales process too)',
			},
			{
				displayName: 'Custom Vocabulary',
				name: 'customVocabulary',
				type: 'string',
				default: '',
				placeholder: 'Northwind, Acme, onboarding',
				description: 'Comma-separated words and names Symbl should recognise',
			},
			{
				displayName: 'Detect Entities',
				name: 'detectEntities',
				type: 'boolean',
				default: true,
				description: 'Whether to detect entities such as people, organisations and dates',
			},
			{
				displayName: 'Detect Phrases',
				name: 'detectPhrases',
				type: 'boolean',
				default: false,
				description: 'Whether to detect key phrases',
			},
			{
				displayName: 'Diarization',
				name: 'diarization',
				type: 'boolean',
				default: false,
				description: 'Whether to separate speakers in a recording',
			},
			{
				displayName: 'Enable All Trackers',
				name: 'enableAllTrackers',
				type: 'boolean',
				default: false,
				description: 'Whether to run every tracker defined in the Symbl account',
			},
			{
				displayName: 'Enable Summary',
				name: 'enableSummary',
				type: 'boolean',
				default: true,
				description: 'Whether to ask Symbl for a summary',
			},
			{
				displayName: 'Extract Fields',
				name: 'fields',
				...askFieldsCollection,
				description:
					"Typed values Nebula extracts from the transcript when the job completes; each key appears in the output's answers object, typed as declared or null",
			},
			{
				displayName: 'Idempotency Key',
				name: 'idempotencyKey',
				type: 'string',
				default: '',
				description:
					'Any string; repeating a submission with the same key returns the original one instead of a duplicate',
			},
			{
				displayName: 'Include',
				name: 'include',
				type: 'multiOptions',
				options: INSIGHT_PARTS,
				default: [],
				description: 'Insight parts to fetch (default all)',
			},
			{
				displayName: 'Language',
				name: 'language',
				type: 'string',
				default: '',
				placeholder: 'en-US',
				description: 'BCP-47 language code of a recording',
			},
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				default: 'default',
				options: [
					{ name: 'Default', value: 'default' },
					{ name: 'Phone', value: 'phone' },
				],
				description: 'Use Phone for narrow-band call recordings',
			},
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				description: 'A name for the conversation, e.g. the meeting title',
			},
			{
				displayName: 'Prospect Name',
				name: 'prospectName',
				type: 'string',
				default: '',
				placeholder: 'Acme Corp',
				description: 'The prospect (company or person) the call was with, for the Call Score',
			},
			{
				displayName: 'Sales Stage',
				name: 'salesStage',
				type: 'options',
				default: 'general',
				options: [
					{ name: 'Demo', value: 'demo' },
					{ name: 'Discovery', value: 'discovery' },
					{ name: 'General', value: 'general' },
					{ name: 'Negotiation', value: 'negotiation' },
					{ name: 'Qualification', value: 'qualification' },
				],
				description: 'The stage of the deal, for the Call Score (qualification calls are scored on budget, authority, need and timeline)',
			},
			{
				displayName: 'Saved Tracker Names or IDs',
				name: 'trackerNames',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getTrackers' },
				default: [],
				description:
					'Trackers saved in the Symbl account to apply (see Tracker → Create or Update). Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Scorecard ID',
				name: 'scorecardId',
				type: 'string',
				default: '',
				description: 'A Symbl scorecard to score the call with, instead of the default one',
			},
			{
				displayName: 'Speaker Count',
				name: 'speakerCount',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 2,
				description: 'How many speakers a recording has (turns diarization on)',
			},
			{
				displayName: 'Summary Page',
				name: 'summaryPage',
				type: 'boolean',
				default: true,
				description:
					"Whether to create Symbl's hosted summary page and output its link in summary_url (also linked from slack_text and crm_note)",
			},
			{
				displayName: 'Trackers',
				name: 'trackers',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				placeholder: 'Add Tracker',
				options: [
					{
						displayName: 'Tracker',
						name: 'tracker',
						values: [
							{
								displayName: 'Name',
								name: 'name',
								type: 'string',
								default: '',
								placeholder: 'Competitor',
							},
							{
								displayName: 'Vocabulary',
								name: 'vocabulary',
								type: 'string',
								default: '',
								placeholder: 'Acme, Globex',
								description: 'Comma-separated words or phrases that count as a match',
							},
						],
					},
				],
			},
		],
	},
];
