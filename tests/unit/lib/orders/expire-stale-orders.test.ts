import type * as ExpireModule from '../../../../lib/orders/expire-stale-orders';
import type { OrderStore } from '../../../../lib/orders/order-store';
import { startDynalite, type TestTable } from '../../../support/dynalite';
import { pendingOrder } from '../../../support/fakes';

let table: TestTable;
let expireStaleOrders: typeof ExpireModule.expireStaleOrders;
let orders: OrderStore;

beforeAll(async () => {
  table = await startDynalite();
  ({ expireStaleOrders } = await import('../../../../lib/orders/expire-stale-orders'));
  orders = (await import('../../../../lib/orders/order-store')).orderStore(table.tableName);
});
afterAll(() => table.close());

const TTL_SECONDS = 900;
const NOW = new Date('2026-11-22T12:00:00.000Z');
const minutesBefore = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

describe('expireStaleOrders', () => {
  it('expires PENDING orders past the deadline and leaves the rest', async () => {
    // Arrange
    await orders.create(pendingOrder({ orderId: 'stale-1', createdAt: minutesBefore(60) }));
    await orders.create(pendingOrder({ orderId: 'stale-2', createdAt: minutesBefore(16) }));
    await orders.create(pendingOrder({ orderId: 'fresh-1', createdAt: minutesBefore(14) }));
    const paid = (await orders.create(pendingOrder({ orderId: 'paid-1', createdAt: minutesBefore(120) }))).order;
    await orders.transition(paid, 'PAID', new Date(minutesBefore(119)));

    // Act
    const swept = await expireStaleOrders({ orders, clock: () => NOW }, TTL_SECONDS);

    // Assert
    expect(swept).toEqual({ expired: 2 });
    await expect(orders.get('stale-1')).resolves.toMatchObject({
      status: 'EXPIRED',
      version: 2,
      history: [expect.anything(), { status: 'EXPIRED', at: NOW.toISOString() }],
    });
    await expect(orders.get('stale-2')).resolves.toMatchObject({ status: 'EXPIRED' });
    await expect(orders.get('fresh-1')).resolves.toMatchObject({ status: 'PENDING' });
    await expect(orders.get('paid-1')).resolves.toMatchObject({ status: 'PAID', version: 2 });
  });

  it('expires nothing on the next sweep: an expired order leaves the sweep index with its one write', async () => {
    await expect(expireStaleOrders({ orders, clock: () => NOW }, TTL_SECONDS)).resolves.toEqual({ expired: 0 });
    await expect(orders.get('stale-1')).resolves.toMatchObject({ status: 'EXPIRED', version: 2 });
  });

  it('skips an order the payment moved on between the sweep reading it and expiring it', async () => {
    const seen = (await orders.create(pendingOrder({ orderId: 'raced-1', createdAt: minutesBefore(30) }))).order;
    const racingOrders = {
      ...orders,
      get: async (orderId: string) => {
        const order = await orders.get(orderId);
        if (orderId === 'raced-1') await orders.transition(seen, 'PAID', new Date(minutesBefore(1)));
        return order;
      },
    };

    const swept = await expireStaleOrders({ orders: racingOrders, clock: () => NOW }, TTL_SECONDS);

    expect(swept).toEqual({ expired: 0 });
    await expect(orders.get('raced-1')).resolves.toMatchObject({ status: 'PAID' });
  });
});
