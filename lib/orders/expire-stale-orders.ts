import type { OrderStore } from './order-store';

export type ExpireDeps = {
  orders: Pick<OrderStore, 'get' | 'transition' | 'pendingBefore'>;
  clock: () => Date;
};

export type Swept = { expired: number };

/** Most orders one sweep expires; the next scheduled sweep takes the rest. */
const SWEEP_LIMIT = 500;

/**
 * Moves every order still PENDING past its deadline to EXPIRED. The table's stream publishes
 * OrderExpired (publishOrderEvents, the outbox), so expiring is one write per order.
 */
export async function expireStaleOrders(deps: ExpireDeps, ttlSeconds: number): Promise<Swept> {
  const now = deps.clock();
  const swept: Swept = { expired: 0 };
  const cutoff = new Date(now.getTime() - ttlSeconds * 1000);
  for (const orderId of await deps.orders.pendingBefore(cutoff, SWEEP_LIMIT)) {
    const order = await deps.orders.get(orderId);
    if (order?.status !== 'PENDING') continue;
    const moved = await deps.orders.transition(order, 'EXPIRED', now);
    if (moved.changed) swept.expired += 1; // otherwise paid or failed meanwhile: the payment won the race
  }
  return swept;
}
