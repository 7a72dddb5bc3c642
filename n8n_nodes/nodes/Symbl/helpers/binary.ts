/**
 * Files as n8n binary data: the formatted transcript (`transcript_text`) as a .txt file and the
 * batch report as a CSV, so a later node can upload, attach or store them.
 */
import type { IBinaryKeyData, IDataObject, IExecuteFunctions } from 'n8n-workflow';

/** An output item with a file: the router passes `binary` through next to `json`. */
export class WithBinary {
	constructor(
		public json: IDataObject,
		public binary: IBinaryKeyData,
	) {}
}

/** A file name from a conversation name: letters, digits, dot, dash and underscore only. */
export function fileNameFor(base: string, extension: string): string {
	const safe = base.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80);
	return `${safe || 'symbl'}.${extension}`;
}

/** The flat insights with their `transcript_text` attached as a text file under `property`. */
export async function withTranscriptFile(
	this: IExecuteFunctions,
	flat: IDataObject,
	property: string,
): Promise<WithBinary> {
	const text = String(flat.transcript_text ?? '');
	const name = fileNameFor(String(flat.name || flat.conversation_id || 'transcript'), 'txt');
	const data = await this.helpers.prepareBinaryData(Buffer.from(text, 'utf8'), name, 'text/plain');
	return new WithBinary(flat, { [property]: data });
}
