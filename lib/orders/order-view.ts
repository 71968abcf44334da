import type { Fulfilment } from '../fulfilment/fulfilment-store';
import type { Order, Payment } from './order';

export const NO_PAYMENT: Payment = { status: 'NONE', attempts: 0, charges: 0 };

/**
 * The order as clients see it (SPEC §1): internal bookkeeping stays inside. `fulfilment` is null
 * until the parcel is booked, then `{ status: 'SHIPPED', carrier, trackingId, at }`.
 */
export function orderView(order: Order, payment: Payment = NO_PAYMENT, fulfilment?: Fulfilment) {
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    status: order.status,
    items: order.items,
    totalCents: order.totalCents,
    currency: order.currency,
    payment: {
      status: payment.status,
      attempts: payment.attempts,
      charges: payment.charges,
      ...(payment.chargeId ? { chargeId: payment.chargeId } : {}),
    },
    history: order.history,
    correlationId: order.correlationId,
    fulfilment: fulfilment ? { status: fulfilment.status, carrier: fulfilment.carrier, trackingId: fulfilment.trackingId, at: fulfilment.at } : null,
  };
}
