import { TransientError } from '../errors';
import type { Order } from '../orders/order';
import type { OrderStore } from '../orders/order-store';
import { decideCharge } from './gateway';
import type { PaymentLedger } from './ledger';

export type ProcessPaymentDeps = {
  orders: Pick<OrderStore, 'get' | 'transition'>;
  ledger: Pick<PaymentLedger, 'beginAttempt' | 'capture' | 'decline' | 'refund'>;
  events: { announce(order: Order): Promise<void> };
  clock: () => Date;
  newId: () => string;
};

/**
 * Charges a PENDING order once and moves it to PAID or PAYMENT_FAILED. Safe to run again for the
 * same order: a settled ledger is not charged twice, and an order already past PENDING has its
 * outcome announced again (the earlier run may have failed between storing and publishing).
 */
export async function processPayment(deps: ProcessPaymentDeps, orderId: string): Promise<Order> {
  const order = await deps.orders.get(orderId);
  if (!order) throw new Error(`Order ${orderId} does not exist`);
  if (order.status !== 'PENDING') {
    if (order.status === 'PAID' || order.status === 'PAYMENT_FAILED') await deps.events.announce(order);
    return order;
  }

  let payment = await deps.ledger.beginAttempt(orderId);
  if (payment.status === 'NONE') {
    const decision = decideCharge(order.paymentToken, payment.attempts);
    if (decision === 'TRY_AGAIN') throw new TransientError(`Payment gateway unavailable (attempt ${payment.attempts})`);
    payment = decision === 'APPROVED' ? await deps.ledger.capture(orderId, deps.newId()) : await deps.ledger.decline(orderId);
  }

  const to = payment.status === 'DECLINED' ? 'PAYMENT_FAILED' : 'PAID';
  const moved = await deps.orders.transition(order, to, deps.clock());
  if (!moved.changed) {
    // Expired while we were charging: give the money back rather than keep it for a dead order.
    if (moved.order.status === 'EXPIRED' && payment.status === 'CHARGED') await deps.ledger.refund(orderId);
    return moved.order;
  }
  await deps.events.announce(moved.order);
  return moved.order;
}
