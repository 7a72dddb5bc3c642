import { encodeMultipart, toFormFields } from '../../nodes/Symbl/helpers/multipart';
import { symblOptions } from '../../nodes/Symbl/helpers/submission';

describe('multipart', () => {
	it('encodes fields then the file, with the closing boundary', () => {
		const { body, contentType } = encodeMultipart(
			{ name: 'Call', include: '["summary"]' },
			{ field: 'file', fileName: 'a "b".mp3', contentType: 'audio/mpeg', data: Buffer.from([0, 1, 2]) },
			'BOUND',
		);
		expect(contentType).toBe('multipart/form-data; boundary=BOUND');
		const text = body.toString('latin1');
		expect(text.startsWith('--BOUND\r\nContent-Disposition: form-data; name="name"\r\n\r\nCall\r\n')).toBe(true);
		expect(text).toContain('filename="a _b_.mp3"\r\nContent-Type: audio/mpeg\r\n\r\n\u0000\u0001\u0002\r\n--BOUND--\r\n');
	});

	it('turns non-string options into JSON text', () => {
		expect(toFormFields({ a: 'x', b: 2, c: true, d: ['y'], e: undefined })).toEqual({
			a: 'x',
			b: '2',
			c: 'true',
			d: '["y"]',
		});
	});
});

describe('symblOptions', () => {
	it('maps every option onto the facade field names', () => {
		expect(
			symblOptions({
				name: 'N',
				language: 'en-US',
				speakerCount: 3,
				diarization: true,
				detectEntities: false,
				enableSummary: true,
				enableAllTrackers: false,
				confidenceThreshold: 0.7,
				detectPhrases: true,
				mode: 'phone',
				callbackUrl: 'https://x.example.com/cb',
				customVocabulary: 'Acme, Globex,,',
				include: ['summary'],
				trackers: { tracker: [{ name: 'Competitor', vocabulary: 'Acme\nGlobex' }, { name: ' ' }] },
			}),
		).toEqual({
			name: 'N',
			language: 'en-US',
			speaker_count: 3,
			diarization: true,
			detect_entities: false,
			enable_summary: true,
			enable_all_trackers: false,
			confidence_threshold: 0.7,
			detect_phrases: true,
			mode: 'phone',
			callback_url: 'https://x.example.com/cb',
			custom_vocabulary: ['Acme', 'Globex'],
			include: ['summary'],
			trackers: [{ name: 'Competitor', vocabulary: ['Acme', 'Globex'] }],
		});
	});
});
