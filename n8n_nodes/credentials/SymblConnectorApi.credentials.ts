import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class SymblConnectorApi implements ICredentialType {
	name = 'symblConnectorApi';

	displayName = 'Symbl Connector API';

	icon: Icon = { light: 'file:../icons/symbl.svg', dark: 'file:../icons/symbl.dark.svg' };

	documentationUrl = 'https://github.com/symbl-connector/symbl-connector/tree/main/n8n_nodes#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Connector URL',
			name: 'url',
			type: 'string',
			default: '',
			placeholder: 'https://connector.example.com',
			description:
				'Base URL of your self-hosted Symbl connector (the facade), without /v1 and without a trailing slash',
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'One of the keys in the connector\'s CONNECTOR_API_KEYS',
			required: true,
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.url.replace(/\\/+$/, "")}}',
			url: '/v1/me',
			method: 'GET',
		},
	};
}
