import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { submitConversation } from '../../helpers/submit';
import { submitFields } from './submitFields';

const showOnlyForProcess = { show: { resource: ['conversation'], operation: ['process'] } };

export const description: INodeProperties[] = updateDisplayOptions(showOnlyForProcess, submitFields);

/** POST /v1/conversations, then wait (bounded) or return the IDs. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	return await submitConversation.call(this, itemIndex, 'POST', '/v1/conversations');
}
