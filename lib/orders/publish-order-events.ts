import { fromStreamImage, type StreamImage } from '../aws/stream-image';
import type { Order } from './order';

/** One change of the orders table as its stream delivers it (NEW_AND_OLD_IMAGES). */
export type OrderTableChange = {
  eventName?: string;
  dynamodb?: { Keys?: StreamImage; NewImage?: StreamImage; OldImage?: StreamImage };
};

export type PublishOrderEventsDeps = {
  events: { publish(order: Order): Promise<void> };
};

export class MalformedOrderChangeError extends Error {
  constructor(reason: string) {
    super(`Malformed order change: ${reason}`);
    this.name = 'MalformedOrderChangeError';
  }
}

/**
 * The order a change of the table brings to a new status, or undefined when it brings none: an
 * INSERT of an order item is its PENDING, a MODIFY that moves its version on is a status change.
 * Anything else (other items, deletions, a write that changed no status) publishes nothing.
 */
export function orderStatusChange(change: OrderTableChange): Order | undefined {
  const { eventName, dynamodb } = change;
  if (dynamodb?.Keys?.sk?.S !== 'ORDER' || (eventName !== 'INSERT' && eventName !== 'MODIFY')) return undefined;
  if (!dynamodb.NewImage) throw new MalformedOrderChangeError(`${eventName} without NewImage (the stream must carry NEW_AND_OLD_IMAGES)`);
  const order = toOrder(fromStreamImage(dynamodb.NewImage));
  if (eventName === 'MODIFY') {
    if (!dynamodb.OldImage) throw new MalformedOrderChangeError(`MODIFY of order ${order.orderId} without OldImage`);
    if (fromStreamImage(dynamodb.OldImage).version === order.version) return undefined;
  }
  return order;
}

/**
 * The outbox: every status change written to the orders table is published from its stream, so a
 * handler that changes an order only writes the table. Returns the order published, if any.
 */
export async function publishOrderEvents(deps: PublishOrderEventsDeps, change: OrderTableChange): Promise<Order | undefined> {
  const order = orderStatusChange(change);
  if (order) await deps.events.publish(order);
  return order;
}

function toOrder(item: Record<string, unknown>): Order {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...order } = item;
  const missing = ['orderId', 'customerId', 'status', 'correlationId', 'createdAt'].filter((name) => typeof order[name] !== 'string');
  if (typeof order.version !== 'number') missing.push('version');
  if (!Array.isArray(order.history) || order.history.length === 0) missing.push('history');
  if (missing.length > 0) throw new MalformedOrderChangeError(`order item ${String(item.pk)} lacks ${missing.join(', ')}`);
  return order as Order;
}
