/**
 * Check the connector's delivery signature: `X-Connector-Signature: sha256=<hex HMAC-SHA256 of the
 * raw body>`, keyed with the hook's secret (returned once when the hook was created).
 */
import { createHmac, timingSafeEqual } from 'crypto';

export function signBody(secret: string, rawBody: Buffer | string): string {
	return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

export function isValidSignature(
	secret: string,
	rawBody: Buffer | string | undefined,
	header: string | string[] | undefined,
): boolean {
	if (!secret || rawBody === undefined) return false;
	const received = Array.isArray(header) ? header[0] : header;
	if (typeof received !== 'string' || !received.startsWith('sha256=')) return false;
	const expected = Buffer.from(signBody(secret, rawBody));
	const actual = Buffer.from(received.trim());
	return expected.length === actual.length && timingSafeEqual(expected, actual);
}
