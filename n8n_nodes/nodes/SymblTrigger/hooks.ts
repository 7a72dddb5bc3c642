/**
 * Subscribe and unsubscribe the trigger's webhook URL with the connector's REST hooks
 * (`/v1/hooks`). The hook ID and its signing secret live in the node's static data.
 */
import type { IDataObject, IHookFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { FacadeApiError, facadeRequest } from '../Symbl/transport';

export async function hookExists(this: IHookFunctions): Promise<boolean> {
	const staticData = this.getWorkflowStaticData('node');
	if (typeof staticData.hookId !== 'string') return false;
	const webhookUrl = this.getNodeWebhookUrl('default');
	const event = this.getNodeParameter('event') as string;
	const response = await facadeRequest.call(this, { method: 'GET', path: '/v1/hooks' });
	const hooks = Array.isArray(response.body.hooks) ? (response.body.hooks as IDataObject[]) : [];
	const found = hooks.some(
		(hook) => hook.id === staticData.hookId && hook.target_url === webhookUrl && hook.event === event,
	);
	if (!found) {
		delete staticData.hookId;
		delete staticData.secret;
	}
	return found;
}

export async function createHook(this: IHookFunctions): Promise<boolean> {
	const staticData = this.getWorkflowStaticData('node');
	const webhookUrl = this.getNodeWebhookUrl('default');
	const event = this.getNodeParameter('event') as string;
	const response = await facadeRequest.call(this, {
		method: 'POST',
		path: '/v1/hooks',
		body: { target_url: webhookUrl, event },
	});
	if (typeof response.body.id !== 'string' || typeof response.body.secret !== 'string') {
		throw new NodeOperationError(
			this.getNode(),
			'The Symbl connector created the hook but did not return its ID and signing secret',
			{ description: 'Deliveries could not be verified without the secret; check the connector version.' },
		);
	}
	staticData.hookId = response.body.id;
	staticData.secret = response.body.secret;
	return true;
}

export async function deleteHook(this: IHookFunctions): Promise<boolean> {
	const staticData = this.getWorkflowStaticData('node');
	if (typeof staticData.hookId === 'string') {
		try {
			await facadeRequest.call(this, {
				method: 'DELETE',
				path: `/v1/hooks/${encodeURIComponent(staticData.hookId)}`,
			});
		} catch (error) {
			if (!(error instanceof FacadeApiError) || error.status !== 404) {
				this.logger.error(
					`Symbl Trigger: could not delete hook ${staticData.hookId}: ${(error as Error).message}`,
				);
				if (error instanceof NodeApiError) throw new NodeApiError(this.getNode(), error as unknown as JsonObject);
				throw new NodeOperationError(this.getNode(), error as Error);
			}
			// Already gone on the connector's side: the subscription is over either way.
			this.logger.info(`Symbl Trigger: hook ${staticData.hookId} was already deleted on the connector`);
		}
	}
	delete staticData.hookId;
	delete staticData.secret;
	return true;
}
