/**
 * Searchable lists for resource locators, loaded from the connector while a user edits the node.
 */
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { facadeRequest } from '../transport';

/** The facade answers at most this many submissions per call (`GET /v1/conversations?limit=`). */
const LIST_LIMIT = 100;

/** Conversations submitted with this key, newest first; `filter` matches a part of the name. */
export async function searchConversations(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const qs: IDataObject = { limit: LIST_LIMIT };
	if (filter && filter.trim() !== '') qs.name = filter.trim();
	const response = await facadeRequest.call(this, { method: 'GET', path: '/v1/conversations', qs });
	const rows = Array.isArray(response.body.conversations) ? (response.body.conversations as IDataObject[]) : [];
	const seen = new Set<string>();
	const results: INodeListSearchResult['results'] = [];
	for (const row of rows) {
		const id = String(row.conversation_id ?? '');
		// A queued submission has no conversation yet; an append repeats its conversation.
		if (id === '' || seen.has(id)) continue;
		seen.add(id);
		const name = String(row.name ?? '') || id;
		const created = String(row.created_at ?? '').replace('T', ' ').replace(/\.\d+/, '').replace(/\+00:00$|Z$/, ' UTC');
		results.push({ name: `${name} (${String(row.status ?? '')}, ${created})`, value: id });
	}
	return { results };
}
