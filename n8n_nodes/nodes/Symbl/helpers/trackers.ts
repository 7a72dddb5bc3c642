/**
 * Saved trackers as the connector answers them (`{id, name, vocabulary}`), and the phrase
 * lists users type or map (comma- or newline-separated, or an array from an expression).
 */
import type { IDataObject } from 'n8n-workflow';

export interface SavedTracker extends IDataObject {
	id: string;
	name: string;
	vocabulary: string[];
}

/** The `trackers` of a `GET /v1/trackers` answer. */
export function trackerList(body: IDataObject): SavedTracker[] {
	const trackers = Array.isArray(body.trackers) ? (body.trackers as IDataObject[]) : [];
	return trackers.map((tracker) => ({
		id: String(tracker.id ?? ''),
		name: String(tracker.name ?? ''),
		vocabulary: Array.isArray(tracker.vocabulary) ? tracker.vocabulary.map(String) : [],
	}));
}

/** Phrases from text ("Acme, Globex" or one per line) or an array; commas are never part of a phrase. */
export function splitPhrases(value: unknown): string[] {
	const entries = Array.isArray(value) ? value : [value];
	return entries
		.flatMap((entry) => String(entry ?? '').split(/\r?\n|,/))
		.map((phrase) => phrase.trim())
		.filter((phrase) => phrase !== '');
}
