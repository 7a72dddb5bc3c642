/**
 * Subscribe and unsubscribe the trigger's webhook URL with the connector's REST hooks
 * (`/v1/hooks`). The hook ID and its signing secret live in the node's static data.
 */
import type { IDataObject, IHookFunctions } from 'n8n-workflow';

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
	if (typeof response.body.id !== 'string' || typeof response.body.secret !== 'string') return false;
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
			// Already gone on the connector's side: the subscription is over either way.
			if (!(error instanceof FacadeApiError) || error.status !== 404) return false;
		}
	}
	delete staticData.hookId;
	delete staticData.secret;
	return true;
}
