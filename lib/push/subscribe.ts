import type { PushStore } from './push-store';
import { errorMessage, type ErrorMessage, type StatusMessage } from './status-message';

export type SubscribeDeps = { store: Pick<PushStore, 'connection' | 'order' | 'subscribe'>; now: () => Date };
export type SubscribeRequest = { action: 'subscribe'; orderId: string };

const MAX_ORDER_ID_LENGTH = 128;

/** A client's message as a subscription request, or the error that tells the client what is wrong with it. */
export function parseClientMessage(body: string | undefined): SubscribeRequest | ErrorMessage {
  let message: unknown;
  try {
    message = JSON.parse(body ?? '');
  } catch {
    return errorMessage('INVALID_JSON', 'The message is not valid JSON; send {"action":"subscribe","orderId":"<id>"}.');
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    return errorMessage('VALIDATION_FAILED', 'The message must be a JSON object: {"action":"subscribe","orderId":"<id>"}.');
  }
  const { action, orderId } = message as Record<string, unknown>;
  if (action !== 'subscribe') {
    return errorMessage('UNKNOWN_ACTION', `Unknown action ${JSON.stringify(action ?? null)}; the only action is "subscribe".`);
  }
  if (typeof orderId !== 'string' || orderId.length === 0 || orderId.length > MAX_ORDER_ID_LENGTH) {
    return errorMessage('VALIDATION_FAILED', 'The message is not valid.', [
      { field: 'orderId', message: `must be a string of 1 to ${MAX_ORDER_ID_LENGTH} characters` },
    ]);
  }
  return { action, orderId };
}

/**
 * Subscribes the connection to one of its customer's orders and answers with the order's status as
 * it stands; every later change is pushed. Another customer's order, or none, is NOT_FOUND (nothing
 * says it exists). The status is read again after the subscription is filed, so a change made
 * meanwhile is in the answer if the push missed it; a change made while subscribing may come twice.
 */
export async function subscribe(deps: SubscribeDeps, connectionId: string, body: string | undefined): Promise<StatusMessage | ErrorMessage> {
  const request = parseClientMessage(body);
  if ('error' in request) return request;
  const connection = await deps.store.connection(connectionId);
  if (!connection) return errorMessage('UNAUTHORIZED', 'This connection is not open any more; connect again with ?token=<JWT>.');
  const order = await deps.store.order(request.orderId);
  if (!order || order.customerId !== connection.customerId) return errorMessage('NOT_FOUND', `Order ${request.orderId} was not found.`);
  await deps.store.subscribe(connection, request.orderId, order.current.at, deps.now());
  return (await deps.store.order(request.orderId))?.current ?? order.current;
}
