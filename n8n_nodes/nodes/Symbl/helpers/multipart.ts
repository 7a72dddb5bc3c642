/**
 * Build a multipart/form-data body by hand: the community-node rules allow no `form-data`
 * dependency, and the facade reads the upload from the `file` field and the options from the
 * other fields (lists as JSON text). No IO.
 */
export interface MultipartFile {
	field: string;
	fileName: string;
	contentType: string;
	data: Buffer;
}

export interface MultipartBody {
	body: Buffer;
	contentType: string;
}

function quoted(value: string): string {
	return value.replace(/[\r\n"\\]/g, '_');
}

export function encodeMultipart(
	fields: Record<string, string>,
	file: MultipartFile,
	boundary: string,
): MultipartBody {
	const chunks: Buffer[] = [];
	for (const [name, value] of Object.entries(fields)) {
		chunks.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`,
				'utf8',
			),
		);
	}
	chunks.push(
		Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(file.field)}"; filename="${quoted(file.fileName)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
			'utf8',
		),
	);
	chunks.push(file.data);
	chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'));
	return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Turn the JSON options into form fields: strings as is, everything else as JSON text. */
export function toFormFields(options: Record<string, unknown>): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const [key, value] of Object.entries(options)) {
		if (value === undefined || value === null) continue;
		fields[key] = typeof value === 'string' ? value : JSON.stringify(value);
	}
	return fields;
}
