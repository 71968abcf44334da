import { TransientError } from '../errors';
import type { Order } from '../orders/order';
import { decideBooking, needsBookingRequestCount } from './carrier';
import type { Fulfilment, FulfilmentStore } from './fulfilment-store';

/** What the function returns, and so the `responsePayload` of its success record on the bus. */
export type Shipped = Pick<Fulfilment, 'orderId' | 'customerId' | 'correlationId' | 'status' | 'carrier' | 'trackingId' | 'at'>;

export type FulfilDeps = {
  orders: { get(orderId: string): Promise<Order | undefined> };
  fulfilments: FulfilmentStore;
  clock: () => Date;
};

/** The carrier said no for good: every retry would be refused too, so the event ends in the on-failure destination. */
export class ShipmentRefusedError extends Error {
  constructor(orderId: string, reason: string) {
    super(`The carrier refused order ${orderId}: ${reason}`);
    this.name = 'ShipmentRefusedError';
  }
}

/** An OrderConfirmed about an order that is not (or not yet) stored as CONFIRMED. */
export class NotConfirmedError extends Error {
  constructor(orderId: string, status: string | undefined) {
    super(status ? `Order ${orderId} is ${status}, not CONFIRMED: nothing to ship` : `Order ${orderId} does not exist`);
    this.name = 'NotConfirmedError';
  }
}

const shipped = (f: Fulfilment): Shipped => ({
  orderId: f.orderId,
  customerId: f.customerId,
  correlationId: f.correlationId,
  status: f.status,
  carrier: f.carrier,
  trackingId: f.trackingId,
  at: f.at,
});

/**
 * Books the confirmed order's parcel with the carrier and records the shipment, once: a redelivered
 * OrderConfirmed finds the shipment recorded and returns it unchanged, booking nothing again.
 */
export async function fulfilOrder(deps: FulfilDeps, orderId: string): Promise<Shipped> {
  const recorded = await deps.fulfilments.get(orderId);
  if (recorded) return shipped(recorded);

  const order = await deps.orders.get(orderId);
  if (order?.status !== 'CONFIRMED') throw new NotConfirmedError(orderId, order?.status);

  const request = needsBookingRequestCount(order.items) ? await deps.fulfilments.countBookingRequest(orderId) : 1;
  const decision = decideBooking(order, request);
  if (decision.outcome === 'BUSY') throw new TransientError(`The carrier is busy (booking request ${request} for order ${orderId}); Lambda retries`);
  if (decision.outcome === 'REFUSED') throw new ShipmentRefusedError(orderId, decision.reason);

  const fulfilment = await deps.fulfilments.record({
    orderId,
    customerId: order.customerId,
    correlationId: order.correlationId,
    status: 'SHIPPED',
    carrier: decision.carrier,
    trackingId: decision.trackingId,
    at: deps.clock().toISOString(),
  });
  return shipped(fulfilment);
}
