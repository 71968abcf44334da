import type { Order } from '../orders/order';
import type { OrderStore } from '../orders/order-store';
import type { PaymentLedger } from '../payments/ledger';
import type { StockStore } from './stock-store';

export type ReserveInventoryDeps = {
  orders: Pick<OrderStore, 'get' | 'transition'>;
  stock: Pick<StockStore, 'reserveAndConfirm'>;
  ledger: Pick<PaymentLedger, 'refund'>;
  events: { announce(order: Order): Promise<void> };
  clock: () => Date;
};

/**
 * A PAID order becomes CONFIRMED when the stock of all its items is taken (one transaction), or
 * CANCELLED with a refund when an item is short. A repeated or concurrent delivery takes nothing
 * more: it finds the order moved on, and makes good and announces the outcome again.
 */
export async function reserveInventory(deps: ReserveInventoryDeps, orderId: string): Promise<Order> {
  const order = await deps.orders.get(orderId);
  if (!order) throw new Error(`Order ${orderId} does not exist`);
  if (order.status !== 'PAID') return settle(deps, order);

  const reservation = await deps.stock.reserveAndConfirm(order, deps.clock());
  if (reservation.outcome === 'CONFIRMED') return settle(deps, reservation.order);
  // Cancelling is conditional too: should another delivery have confirmed it meanwhile, that stands.
  if (reservation.outcome === 'SHORT') return settle(deps, (await deps.orders.transition(order, 'CANCELLED', deps.clock())).order);
  return settle(deps, (await deps.orders.get(orderId))!);
}

/** Makes the outcome good and announces it: a CANCELLED order is refunded (refunding is idempotent). */
async function settle(deps: ReserveInventoryDeps, order: Order): Promise<Order> {
  if (order.status === 'CANCELLED') await deps.ledger.refund(order.orderId);
  if (order.status === 'CONFIRMED' || order.status === 'CANCELLED') await deps.events.announce(order);
  return order;
}
