import type * as ExpireModule from '../../../../lib/orders/expire-stale-orders';
import type { OrderStore } from '../../../../lib/orders/order-store';
import { startDynalite, type TestTable } from '../../../support/dynalite';
import { pendingOrder, recordingEvents } from '../../../support/fakes';

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
  it('expires PENDING orders past the deadline, announces each, and leaves the rest', async () => {
    // Arrange
    await orders.create(pendingOrder({ orderId: 'stale-1', createdAt: minutesBefore(60) }));
    await orders.create(pendingOrder({ orderId: 'stale-2', createdAt: minutesBefore(16) }));
    await orders.create(pendingOrder({ orderId: 'fresh-1', createdAt: minutesBefore(14) }));
    const paid = (await orders.create(pendingOrder({ orderId: 'paid-1', createdAt: minutesBefore(120) }))).order;
    await orders.transition(paid, 'PAID', new Date(minutesBefore(119)));
    const events = recordingEvents();

    // Act
    const swept = await expireStaleOrders({ orders, events, clock: () => NOW }, TTL_SECONDS);

    // Assert
    expect(swept).toEqual({ expired: 2, reannounced: 0, nudged: 1 });
    await expect(orders.get('stale-1')).resolves.toMatchObject({ status: 'EXPIRED', version: 2 });
    await expect(orders.get('stale-2')).resolves.toMatchObject({ status: 'EXPIRED' });
    await expect(orders.get('fresh-1')).resolves.toMatchObject({ status: 'PENDING' });
    await expect(orders.get('paid-1')).resolves.toMatchObject({ status: 'PAID' });
    expect(events.announced.map((order) => [order.orderId, order.status])).toEqual([
      ['paid-1', 'PAID'],
      ['stale-1', 'EXPIRED'],
      ['stale-2', 'EXPIRED'],
    ]);
    expect(events.announced[1].history.at(-1)).toEqual({ status: 'EXPIRED', at: NOW.toISOString() });
  });

  it('expires nothing on the next sweep, and keeps nudging the order stalled at PAID', async () => {
    const events = recordingEvents();

    await expect(expireStaleOrders({ orders, events, clock: () => NOW }, TTL_SECONDS)).resolves.toEqual({ expired: 0, reannounced: 0, nudged: 1 });
    expect(events.announced.map((order) => order.orderId)).toEqual(['paid-1']);
  });

  it('announces again only orders stalled at PAID, not recently paid or confirmed ones', async () => {
    const recent = (await orders.create(pendingOrder({ orderId: 'paid-recent', createdAt: minutesBefore(1) }))).order;
    await orders.transition(recent, 'PAID', new Date(NOW.getTime() - 30_000));
    const done = (await orders.create(pendingOrder({ orderId: 'paid-done', createdAt: minutesBefore(60) }))).order;
    const paidDone = (await orders.transition(done, 'PAID', new Date(minutesBefore(59)))).order;
    await orders.transition(paidDone, 'CONFIRMED', new Date(minutesBefore(58)));
    const events = recordingEvents();

    const swept = await expireStaleOrders({ orders, events, clock: () => NOW }, TTL_SECONDS);

    expect(events.announced.map((order) => [order.orderId, order.status])).toEqual([['paid-1', 'PAID']]);
    expect(swept.nudged).toBe(1);
    // Once reserveInventory finishes it, the order leaves the sweep for good.
    await orders.transition((await orders.get('paid-1'))!, 'CONFIRMED', NOW);
    const after = recordingEvents();
    await expect(expireStaleOrders({ orders, events: after, clock: () => NOW }, TTL_SECONDS)).resolves.toMatchObject({ nudged: 0 });
    expect(after.announced).toEqual([]);
  });

  it('skips an order the payment moved on between the sweep reading it and expiring it', async () => {
    const seen = (await orders.create(pendingOrder({ orderId: 'raced-1', createdAt: minutesBefore(30) }))).order;
    const events = recordingEvents();
    const racingOrders = {
      ...orders,
      get: async (orderId: string) => {
        const order = await orders.get(orderId);
        if (orderId === 'raced-1') await orders.transition(seen, 'PAID', new Date(minutesBefore(1)));
        return order;
      },
    };

    const swept = await expireStaleOrders({ orders: racingOrders, events, clock: () => NOW }, TTL_SECONDS);

    expect(swept).toEqual({ expired: 0, reannounced: 0, nudged: 0 });
    await expect(orders.get('raced-1')).resolves.toMatchObject({ status: 'PAID' });
    expect(events.announced).toEqual([]);
  });

  it('announces on the next sweep an order it expired but could not announce, and then never again', async () => {
    await orders.create(pendingOrder({ orderId: 'unannounced-1', createdAt: minutesBefore(30) }));
    const unavailable = {
      announce: async () => {
        throw new Error('SNS unavailable');
      },
    };
    await expect(expireStaleOrders({ orders, events: unavailable, clock: () => NOW }, TTL_SECONDS)).rejects.toThrow('SNS unavailable');
    await expect(orders.get('unannounced-1')).resolves.toMatchObject({ status: 'EXPIRED' });
    const retried = recordingEvents();

    const swept = await expireStaleOrders({ orders, events: retried, clock: () => NOW }, TTL_SECONDS);

    expect(swept).toEqual({ expired: 0, reannounced: 1, nudged: 0 });
    expect(retried.announced.map((order) => [order.orderId, order.status, order.version])).toEqual([['unannounced-1', 'EXPIRED', 2]]);
    const next = recordingEvents();
    await expect(expireStaleOrders({ orders, events: next, clock: () => NOW }, TTL_SECONDS)).resolves.toEqual({ expired: 0, reannounced: 0, nudged: 0 });
    expect(next.announced).toEqual([]);
  });
});
