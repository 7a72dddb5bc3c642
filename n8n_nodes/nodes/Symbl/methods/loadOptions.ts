/**
 * Dropdown options loaded from the connector while a user edits the node.
 */
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { facadeRequest } from '../transport';
import { trackerList } from '../helpers/trackers';

/** The trackers saved in the Symbl account (GET /v1/trackers); the value is the name, which the facade applies. */
export async function getTrackers(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const response = await facadeRequest.call(this, { method: 'GET', path: '/v1/trackers' });
	return trackerList(response.body)
		.map((tracker) => ({
			name: tracker.name,
			value: tracker.name,
			description: tracker.vocabulary.join(', '),
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}
