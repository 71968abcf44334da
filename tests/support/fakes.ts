import type { Order, OrderStatus } from '../../lib/orders/order';
import type { OrderStore } from '../../lib/orders/order-store';

/** A publisher that records the orders it was asked to publish, as each stood. */
export function recordingPublisher() {
  const published: Order[] = [];
  return {
    published,
    async publish(order: Order): Promise<void> {
      published.push(structuredClone(order));
    },
  };
}

/** A clock a test moves by hand. */
export function manualClock(startIso: string) {
  let now = new Date(startIso);
  const clock = () => new Date(now);
  clock.set = (iso: string) => {
    now = new Date(iso);
  };
  clock.advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };
  return clock;
}

/** Predictable ids: `<prefix>-0001`, `<prefix>-0002`, ... made unique per test file by the prefix. */
export function sequentialIds(prefix: string) {
  let next = 0;
  return () => `${prefix}-${String(++next).padStart(4, '0')}`;
}

/** A PENDING order as placeOrder builds it, for tests that store orders directly. */
export function pendingOrder(overrides: Partial<Order> & { orderId: string }): Order {
  const createdAt = overrides.createdAt ?? '2026-11-22T10:00:00.000Z';
  return {
    customerId: '8d2f4b1e-6c3a-4f7d-9b2e-1a5c3e7f9d01',
    status: 'PENDING',
    items: [{ sku: 'SKU-1', quantity: 2, unitPriceCents: 2499 }],
    totalCents: 4998,
    currency: 'EUR',
    paymentToken: 'tok_visa',
    history: [{ status: 'PENDING', at: createdAt }],
    correlationId: 'b7e4c2a9-5d3f-4e1b-8a6c-2f9d0e1b3c40',
    createdAt,
    version: 1,
    ...overrides,
  };
}

/** The order the sample events in events/ describe (3f1c9a52-…), PENDING as placed. */
export function sampleOrder(overrides: Partial<Order> = {}): Order {
  return pendingOrder({
    orderId: '3f1c9a52-7e4b-4c8d-a1f6-0b2d4e6f8a10',
    items: [
      { sku: 'SKU-1', quantity: 2, unitPriceCents: 2499 },
      { sku: 'SKU-3', quantity: 1, unitPriceCents: 599 },
    ],
    totalCents: 5597,
    ...overrides,
  });
}

/** Stores the order and moves it along `path` (each step a real conditional transition of the store). */
export async function storeThrough(orders: OrderStore, order: Order, path: OrderStatus[], at = new Date('2026-11-22T10:00:02.500Z')): Promise<Order> {
  let current = (await orders.create(order)).order;
  for (const status of path) current = (await orders.transition(current, status, at)).order;
  return current;
}
