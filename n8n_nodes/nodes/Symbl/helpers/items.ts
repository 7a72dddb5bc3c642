/**
 * Shape facade answers into n8n item payloads. No IO.
 */
import type { IDataObject } from 'n8n-workflow';

/** The conversation fields copied onto every split action item, so a CRM step has its context. */
const CONTEXT_FIELDS = ['conversation_id', 'job_id', 'name', 'start_time', 'summary'] as const;

/**
 * One payload per action item: the item's own fields (text, assignee, assignee_email, due, score)
 * plus the conversation context, its position and the total. No action items: no payloads.
 */
export function splitActionItems(flat: IDataObject): IDataObject[] {
	const actionItems = Array.isArray(flat.action_items) ? (flat.action_items as IDataObject[]) : [];
	const context: IDataObject = {};
	for (const field of CONTEXT_FIELDS) context[field] = flat[field] ?? '';
	return actionItems.map((actionItem, index) => ({
		...actionItem,
		...context,
		conversation_name: context.name,
		action_item_index: index,
		action_item_count: actionItems.length,
	}));
}

/** The short answer when a job is still running: IDs, status and links, never a guess at insights. */
export function pendingResult(body: IDataObject): IDataObject {
	return {
		conversation_id: body.conversation_id ?? '',
		job_id: body.job_id ?? '',
		status: body.status ?? '',
		links: body.links ?? {},
	};
}
