import { SymblConnectorApi } from '../credentials/SymblConnectorApi.credentials';

describe('Symbl Connector API credentials', () => {
	const credentials = new SymblConnectorApi();

	it('keeps the API key in a password field and sends it as a Bearer token', () => {
		const apiKey = credentials.properties.find((property) => property.name === 'apiKey');
		expect(apiKey?.typeOptions?.password).toBe(true);
		expect(credentials.authenticate.properties.headers?.Authorization).toBe('=Bearer {{$credentials.apiKey}}');
	});

	it('is tested with GET /v1/me on the configured URL', () => {
		expect(credentials.test.request).toMatchObject({ url: '/v1/me', method: 'GET' });
		expect(String(credentials.test.request.baseURL)).toContain('$credentials.url');
	});
});
