import type { Order } from './order';
import type { OrderStore } from './order-store';

export type ExpireDeps = {
  orders: Pick<OrderStore, 'get' | 'transition' | 'pendingBefore' | 'paidBefore' | 'expiredUnannounced' | 'markExpiryAnnounced'>;
  events: { announce(order: Order): Promise<void> };
  clock: () => Date;
};

export type Swept = { expired: number; reannounced: number; nudged: number };

/**
 * A PAID order normally moves on within seconds; one still PAID after this long lost its OrderPaid
 * on the way (a crashed reservation that exhausted its retries): announcing it again lets
 * reserveInventory finish it.
 */
export const STALLED_PAID_SECONDS = 120;

/** Most orders one sweep handles of each kind; the next scheduled sweep takes the rest. */
const SWEEP_LIMIT = 500;

/**
 * Moves every order still PENDING past its deadline to EXPIRED and announces it. An expired order
 * stays marked until its OrderExpired is published, so a sweep first announces the ones an
 * earlier sweep expired but failed to announce, and announces again orders stalled at PAID.
 */
export async function expireStaleOrders(deps: ExpireDeps, ttlSeconds: number): Promise<Swept> {
  const now = deps.clock();
  const swept: Swept = { expired: 0, reannounced: 0, nudged: 0 };
  for (const orderId of await deps.orders.expiredUnannounced(SWEEP_LIMIT)) {
    const order = await deps.orders.get(orderId);
    if (order?.status !== 'EXPIRED') continue;
    await announceExpiry(deps, order);
    swept.reannounced += 1;
  }
  for (const orderId of await deps.orders.paidBefore(new Date(now.getTime() - STALLED_PAID_SECONDS * 1000), SWEEP_LIMIT)) {
    const order = await deps.orders.get(orderId);
    if (order?.status !== 'PAID') continue;
    await deps.events.announce(order);
    swept.nudged += 1;
  }
  const cutoff = new Date(now.getTime() - ttlSeconds * 1000);
  for (const orderId of await deps.orders.pendingBefore(cutoff, SWEEP_LIMIT)) {
    const order = await deps.orders.get(orderId);
    if (order?.status !== 'PENDING') continue;
    const moved = await deps.orders.transition(order, 'EXPIRED', now);
    if (!moved.changed) continue; // paid or failed meanwhile: the payment won the race
    await announceExpiry(deps, moved.order);
    swept.expired += 1;
  }
  return swept;
}

async function announceExpiry(deps: ExpireDeps, order: Order): Promise<void> {
  await deps.events.announce(order);
  await deps.orders.markExpiryAnnounced(order.orderId);
}
