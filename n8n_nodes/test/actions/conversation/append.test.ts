import type { IDataObject } from 'n8n-workflow';

import { router } from '../../../nodes/Symbl/actions/router';
import { facadeRequest } from '../../../nodes/Symbl/transport';
import { FLAT, ME, ScriptedFacade, fakeExecute, ok } from '../../helpers';

jest.mock('../../../nodes/Symbl/transport', () => ({
	...jest.requireActual('../../../nodes/Symbl/transport'),
	facadeRequest: jest.fn(),
}));

const facadeMock = facadeRequest as unknown as jest.Mock;

describe('Conversation → Append', () => {
	it('PUTs to the conversation and returns the flat insights', async () => {
		const facade = new ScriptedFacade([
			['GET /v1/me', () => ME],
			['PUT /v1/conversations/5179649407582208', () => ok(FLAT)],
		]);
		facadeMock.mockImplementation(facade.handle);

		const [out] = await router.call(
			fakeExecute({
				params: {
					resource: 'conversation',
					operation: 'append',
					conversationId: ' 5179649407582208 ',
					inputType: 'transcript',
					transcript: 'Alice: one more thing',
					waitForCompletion: true,
					maxWaitSeconds: 60,
					options: {},
				},
			}),
		);

		expect(out[0].json.crm_note).toBe(FLAT.crm_note);
		expect((facade.calls[1].body as IDataObject).transcript).toBe('Alice: one more thing');
	});
});
