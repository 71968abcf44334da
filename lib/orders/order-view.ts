import type { Order, Payment } from './order';

export const NO_PAYMENT: Payment = { status: 'NONE', attempts: 0, charges: 0 };

/** The order as clients see it (SPEC §1): internal bookkeeping stays inside. */
export function orderView(order: Order, payment: Payment = NO_PAYMENT) {
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
  };
}
