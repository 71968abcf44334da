import type { Order } from './order';
import type { OrderStore } from './order-store';

export type ExpireDeps = {
  orders: Pick<OrderStore, 'get' | 'transition' | 'pendingBefore'>;
  events: { announce(order: Order): Promise<void> };
  clock: () => Date;
};

/** Most orders one sweep expires; the next scheduled sweep takes the rest. */
const SWEEP_LIMIT = 500;

/** Moves every order still PENDING past its deadline to EXPIRED; returns how many it expired. */
export async function expireStaleOrders(deps: ExpireDeps, ttlSeconds: number): Promise<number> {
  const now = deps.clock();
  const cutoff = new Date(now.getTime() - ttlSeconds * 1000);
  let expired = 0;
  for (const orderId of await deps.orders.pendingBefore(cutoff, SWEEP_LIMIT)) {
    const order = await deps.orders.get(orderId);
    if (order?.status !== 'PENDING') continue;
    const moved = await deps.orders.transition(order, 'EXPIRED', now);
    if (!moved.changed) continue; // paid or failed meanwhile: the payment won the race
    await deps.events.announce(moved.order);
    expired += 1;
  }
  return expired;
}
