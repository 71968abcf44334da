import { TransientError } from '../errors';
import type { Order } from '../orders/order';
import type { OrderStore } from '../orders/order-store';
import { decideCharge } from './gateway';
import type { PaymentLedger } from './ledger';

export type ProcessPaymentDeps = {
  orders: Pick<OrderStore, 'get' | 'transition' | 'transitionWith'>;
  ledger: Pick<PaymentLedger, 'get' | 'beginAttempt' | 'captureWrite' | 'declineWrite'>;
  clock: () => Date;
  newId: () => string;
};

/**
 * Charges a PENDING order once and moves it to PAID or PAYMENT_FAILED; the table's stream publishes
 * the outcome. Safe to run again for the same order: a settled ledger is not charged twice, and an
 * order already past PENDING is left as it is.
 */
export async function processPayment(deps: ProcessPaymentDeps, orderId: string): Promise<Order> {
  const order = await deps.orders.get(orderId);
  if (!order) throw new Error(`Order ${orderId} does not exist`);
  if (order.status !== 'PENDING') return order;

  const payment = await deps.ledger.beginAttempt(orderId);
  if (payment.status === 'NONE') {
    const decision = decideCharge(order.paymentToken, payment.attempts);
    if (decision === 'TRY_AGAIN') throw new TransientError(`Payment gateway unavailable (attempt ${payment.attempts})`);
    // The charge and the order's move are one transaction: an order is never read PAID without its
    // charge, nor charged while it expires (then neither happens).
    const [to, settle] =
      decision === 'APPROVED'
        ? (['PAID', deps.ledger.captureWrite(orderId, deps.newId())] as const)
        : (['PAYMENT_FAILED', deps.ledger.declineWrite(orderId)] as const);
    const result = await deps.orders.transitionWith(order, to, deps.clock(), settle);
    if (result.outcome === 'MOVED_ON') return result.order;
    // Settled meanwhile by a concurrent delivery, whose transaction moved the order too.
    if (result.outcome === 'EFFECT_REFUSED') return (await deps.orders.get(orderId))!;
    return result.order;
  }
  // A ledger settled while the order stayed PENDING was written before charges and moves became
  // one transaction: the order follows its ledger.
  return (await deps.orders.transition(order, payment.status === 'DECLINED' ? 'PAYMENT_FAILED' : 'PAID', deps.clock())).order;
}
