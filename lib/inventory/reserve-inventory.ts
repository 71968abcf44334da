import { TransientError } from '../errors';
import type { Order, OrderItem } from '../orders/order';
import type { OrderStore } from '../orders/order-store';
import type { PaymentLedger } from '../payments/ledger';
import type { StockStore } from './stock-store';

export type ReserveInventoryDeps = {
  orders: Pick<OrderStore, 'get' | 'transition' | 'claimReservation' | 'releaseReservation'>;
  stock: StockStore;
  ledger: Pick<PaymentLedger, 'refund'>;
  events: { announce(order: Order): Promise<void> };
  clock: () => Date;
  newId: () => string;
};

/**
 * How long one delivery holds its claim on an order: longer than the function may run (its
 * timeout is 10 s), shorter than Lambda's first retry of a failed event (about a minute), so the
 * claim of a delivery that crashed has lapsed when its event comes back.
 */
const CLAIM_SECONDS = 30;

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
 * not. One delivery at a time reserves an order (it claims it first; a concurrent delivery is
 * retried later), and repeated deliveries finish and re-announce the outcome, changing nothing else.
 */
export async function reserveInventory(deps: ReserveInventoryDeps, orderId: string): Promise<Order> {
  const order = await deps.orders.get(orderId);
  if (!order) throw new Error(`Order ${orderId} does not exist`);
  if (order.status !== 'PAID') return settle(deps, order);

  const now = deps.clock();
  const deliveryId = deps.newId();
  if (!(await deps.orders.claimReservation(orderId, deliveryId, now, new Date(now.getTime() + CLAIM_SECONDS * 1000)))) {
    const current = (await deps.orders.get(orderId))!;
    if (current.status !== 'PAID') return settle(deps, current);
    throw new TransientError(`Order ${orderId} is being reserved by another delivery`);
  }

  let decided: Order;
  try {
    const reserved = await reserveItems(deps.stock, orderId, order.items);
    decided = (await deps.orders.transition(order, reserved ? 'CONFIRMED' : 'CANCELLED', deps.clock())).order;
  } catch (error) {
    // Let the retry in at once; should this fail too, the claim lapses on its own.
    await deps.orders.releaseReservation(orderId, deliveryId).catch(() => undefined);
    throw error;
  }
  return settle(deps, decided);
}

/** Makes the outcome good and announces it: a CANCELLED order is refunded (refunding is idempotent). */
async function settle(deps: ReserveInventoryDeps, order: Order): Promise<Order> {
  if (order.status === 'CANCELLED') await deps.ledger.refund(order.orderId);
  if (order.status === 'CONFIRMED' || order.status === 'CANCELLED') await deps.events.announce(order);
  return order;
}
