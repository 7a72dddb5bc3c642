/**
 * Verify the connector's deliveries with the Standard Webhooks scheme:
 * `webhook-id` (the event ID), `webhook-timestamp` (Unix seconds of this attempt) and
 * `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<raw body>")>`, possibly
 * several space-separated entries (secret rotation). The key is the hook's secret as UTF-8
 * bytes, or, for a secret starting `whsec_`, the base64-decoding of the rest.
 *
 * The legacy `X-Connector-Signature` (HMAC of the body alone) is not accepted on its own: it
 * carries no timestamp or ID, so it cannot stop a replay.
 */
import { createHmac, timingSafeEqual } from 'crypto';

/** Deliveries signed more than this many seconds away from now (either way) are refused. */
export const TOLERANCE_SECONDS = 300;

export type Headers = Record<string, string | string[] | undefined>;

export type Verification =
	| { ok: true; id: string; timestamp: number }
	| { ok: false; reason: string };

function header(headers: Headers, name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

export function keyBytes(secret: string): Buffer {
	return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

/** The `v1,<base64>` signature of one delivery attempt (the sender's side; used by the tests). */
export function sign(secret: string, id: string, timestamp: number, rawBody: Buffer | string): string {
	const mac = createHmac('sha256', keyBytes(secret))
		.update(`${id}.${timestamp}.`)
		.update(rawBody)
		.digest('base64');
	return `v1,${mac}`;
}

function sameBytes(a: string, b: string): boolean {
	const left = Buffer.from(a);
	const right = Buffer.from(b);
	return left.length === right.length && timingSafeEqual(left, right);
}

/** Check one delivery; `now` is Unix seconds. Never throws. */
export function verifyDelivery(
	secret: string | undefined,
	rawBody: Buffer | string | undefined,
	headers: Headers,
	now: number = Math.floor(Date.now() / 1000),
): Verification {
	if (!secret) {
		return {
			ok: false,
			reason:
				'no signing secret is stored for this trigger, so deliveries cannot be verified: deactivate and activate the workflow again',
		};
	}
	if (rawBody === undefined) return { ok: false, reason: 'the request has no body to verify' };
	const id = header(headers, 'webhook-id');
	const timestampText = header(headers, 'webhook-timestamp');
	const signatures = header(headers, 'webhook-signature');
	if (!id || !timestampText || !signatures) {
		const legacy = header(headers, 'x-connector-signature') ? ' (only the legacy X-Connector-Signature was sent)' : '';
		return { ok: false, reason: `missing webhook-id, webhook-timestamp or webhook-signature header${legacy}` };
	}
	if (!/^\d+$/.test(timestampText.trim())) return { ok: false, reason: 'webhook-timestamp is not Unix seconds' };
	const timestamp = Number(timestampText.trim());
	if (Math.abs(now - timestamp) > TOLERANCE_SECONDS) {
		return { ok: false, reason: `webhook-timestamp is more than ${TOLERANCE_SECONDS} s away from now` };
	}
	const expected = sign(secret, id, timestamp, rawBody);
	const matched = signatures
		.split(' ')
		.map((entry) => entry.trim())
		.some((entry) => entry.startsWith('v1,') && sameBytes(entry, expected));
	return matched ? { ok: true, id, timestamp } : { ok: false, reason: 'webhook-signature does not match' };
}

/** Event IDs already emitted, kept in the node's static data: newest last, bounded. */
export const SEEN_MAX_ENTRIES = 1000;
export const SEEN_MAX_AGE_SECONDS = 3 * 24 * 3600;

export type SeenIds = Record<string, number>;

/** Record `id` as seen at `now`; false when it was already seen (a repeat to drop). Prunes old entries. */
export function rememberEventId(seen: SeenIds, id: string, now: number): boolean {
	if (Object.prototype.hasOwnProperty.call(seen, id) && now - seen[id] <= SEEN_MAX_AGE_SECONDS) return false;
	seen[id] = now;
	const entries = Object.entries(seen)
		.filter(([, at]) => now - at <= SEEN_MAX_AGE_SECONDS)
		.sort((a, b) => a[1] - b[1]);
	const keep = new Set(entries.slice(-SEEN_MAX_ENTRIES).map(([key]) => key));
	for (const key of Object.keys(seen)) if (!keep.has(key)) delete seen[key];
	return true;
}
