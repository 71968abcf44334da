import type { Order, OrderItem } from '../orders/order';
import type { OrderStore } from '../orders/order-store';
import type { PaymentLedger } from '../payments/ledger';
import type { StockStore } from './stock-store';

export type ReserveInventoryDeps = {
  orders: Pick<OrderStore, 'get' | 'transition'>;
  stock: StockStore;
  ledger: Pick<PaymentLedger, 'refund'>;
  events: { announce(order: Order): Promise<void> };
  clock: () => Date;
};

/** Takes every item of the order or none: on a shortage, whatever was taken is given back. */
export async function reserveItems(stock: StockStore, orderId: string, items: OrderItem[]): Promise<boolean> {
  const taken: OrderItem[] = [];
  for (const item of items) {
    if (!(await stock.take(item.sku, orderId, item.quantity))) {
      for (const back of taken) await stock.giveBack(back.sku, orderId, back.quantity);
      return false;
    }
    taken.push(item);
  }
  return true;
}

/**
 * A PAID order becomes CONFIRMED when its stock is reserved, or CANCELLED with a refund when it is
 * not. Repeated deliveries re-announce the outcome and change nothing.
 */
export async function reserveInventory(deps: ReserveInventoryDeps, orderId: string): Promise<Order> {
  const order = await deps.orders.get(orderId);
  if (!order) throw new Error(`Order ${orderId} does not exist`);
  if (order.status !== 'PAID') {
    if (order.status === 'CONFIRMED' || order.status === 'CANCELLED') await deps.events.announce(order);
    return order;
  }
  const reserved = await reserveItems(deps.stock, orderId, order.items);
  if (!reserved) await deps.ledger.refund(orderId);
  const moved = await deps.orders.transition(order, reserved ? 'CONFIRMED' : 'CANCELLED', deps.clock());
  if (moved.changed) await deps.events.announce(moved.order);
  return moved.order;
}
