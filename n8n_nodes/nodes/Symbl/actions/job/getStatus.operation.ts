import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { LONG_POLL_SECONDS } from '../../helpers/waiter';
import { facadeRequest, MAX_CALL_MS } from '../../transport';

const showOnlyForGetStatus = { show: { resource: ['job'], operation: ['getStatus'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '={{ $json.job_id }}',
	},
	{
		displayName: 'Wait (Seconds)',
		name: 'wait',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: LONG_POLL_SECONDS },
		default: 0,
		description: 'Wait up to this long for the job to complete or fail before answering',
	},
];

export const description: INodeProperties[] = updateDisplayOptions(showOnlyForGetStatus, properties);

/** GET /v1/jobs/{id}?wait=N: job_id, conversation_id, status, error, links. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const jobId = (this.getNodeParameter('jobId', itemIndex) as string).trim();
	const wait = Math.min(Math.max(0, this.getNodeParameter('wait', itemIndex, 0) as number), LONG_POLL_SECONDS);
	const response = await facadeRequest.call(this, {
		method: 'GET',
		path: `/v1/jobs/${encodeURIComponent(jobId)}`,
		qs: { wait },
		timeoutMs: MAX_CALL_MS,
	});
	return [response.body];
}
