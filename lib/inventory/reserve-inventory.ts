import type { Order } from '../orders/order';
import type { OrderStore } from '../orders/order-store';
import type { PaymentLedger } from '../payments/ledger';
import type { StockStore } from './stock-store';

export type ReserveInventoryDeps = {
  orders: Pick<OrderStore, 'get' | 'transition' | 'transitionWith'>;
  stock: Pick<StockStore, 'reserveAndConfirm'>;
  ledger: Pick<PaymentLedger, 'refundWrite'>;
  clock: () => Date;
};

/**
 * A PAID order becomes CONFIRMED when the stock of all its items is taken (one transaction), or
 * CANCELLED with its refund (one transaction) when an item is short; the table's stream publishes
 * the outcome. A repeated or concurrent delivery takes nothing more: it finds the order moved on.
 */
export async function reserveInventory(deps: ReserveInventoryDeps, orderId: string): Promise<Order> {
  const order = await deps.orders.get(orderId);
  if (!order) throw new Error(`Order ${orderId} does not exist`);
  if (order.status !== 'PAID') return order;

  const reservation = await deps.stock.reserveAndConfirm(order, deps.clock());
  if (reservation.outcome === 'CONFIRMED') return reservation.order;
  if (reservation.outcome === 'SHORT') return cancelWithRefund(deps, order);
  return (await deps.orders.get(orderId))!;
}

/**
 * CANCELLED and the refund are one transaction, so a client that stops polling at CANCELLED sees the
 * money returned. Conditional too: should another delivery have confirmed it meanwhile, that stands.
 */
async function cancelWithRefund(deps: ReserveInventoryDeps, order: Order): Promise<Order> {
  const at = deps.clock();
  const result = await deps.orders.transitionWith(order, 'CANCELLED', at, deps.ledger.refundWrite(order.orderId));
  if (result.outcome !== 'EFFECT_REFUSED') return result.order;
  // Nothing captured to return (a PAID order always has its charge; this guards older data).
  return (await deps.orders.transition(order, 'CANCELLED', at)).order;
}
