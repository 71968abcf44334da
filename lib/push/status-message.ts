import type { OrderStatus } from '../orders/order';

/** What a subscriber hears: an order's statuses, and SHIPPED once it is fulfilled. */
export type PushedStatus = OrderStatus | 'SHIPPED';

/** One message per change of an order, and the reply to a subscription (the status as it stands). */
export type StatusMessage = { orderId: string; status: PushedStatus; at: string };

/** The same error shape as the HTTP API's. */
export type ErrorMessage = { error: { code: string; message: string; details?: unknown[] } };

export const errorMessage = (code: string, message: string, details?: unknown[]): ErrorMessage => ({
  error: details ? { code, message, details } : { code, message },
});

/** An item of the orders table as a stream record carries it, its images already plain objects. */
export type TableChange = {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  newImage?: Record<string, unknown>;
  oldImage?: Record<string, unknown>;
};

const orderIdOf = (item: Record<string, unknown>): string => String(item.pk).slice('ORDER#'.length);

/** When an order item reached its status: its last history entry (the write that set the status added it). */
function statusAt(item: Record<string, unknown>): string {
  const history = item.history as { status?: unknown; at?: unknown }[] | undefined;
  const last = Array.isArray(history) ? history[history.length - 1] : undefined;
  if (typeof item.status !== 'string' || typeof last?.at !== 'string') {
    throw new Error(`Order item ${String(item.pk)} has no status or history to push`);
  }
  return last.at;
}

/** The order's status as these items of its partition give it: SHIPPED once its FULFILMENT item exists. */
export function currentStatus(order: Record<string, unknown>, fulfilment?: Record<string, unknown>): StatusMessage {
  if (fulfilment?.status === 'SHIPPED' && typeof fulfilment.at === 'string') return { orderId: orderIdOf(order), status: 'SHIPPED', at: fulfilment.at };
  return { orderId: orderIdOf(order), status: order.status as OrderStatus, at: statusAt(order) };
}

/**
 * The message a change of the table means for subscribers, if any: a new order (PENDING), a write
 * that changed an order's status, the shipment of a fulfilled order. Any other write (one that left
 * the status as it was, a removal) tells them nothing.
 */
export function statusChange(change: TableChange): StatusMessage | undefined {
  const item = change.newImage;
  if (!item || change.eventName === 'REMOVE') return undefined;
  if (item.sk === 'ORDER') {
    if (change.eventName === 'MODIFY' && change.oldImage?.status === item.status) return undefined;
    return { orderId: orderIdOf(item), status: item.status as OrderStatus, at: statusAt(item) };
  }
  if (item.sk === 'FULFILMENT' && change.eventName === 'INSERT') {
    if (item.status !== 'SHIPPED' || typeof item.at !== 'string') throw new Error(`Fulfilment item ${String(item.pk)} is not a shipment (status, at)`);
    return { orderId: orderIdOf(item), status: 'SHIPPED', at: item.at };
  }
  return undefined;
}
