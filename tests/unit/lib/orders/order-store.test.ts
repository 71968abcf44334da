import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderStore } from '../../../../lib/orders/order-store';
import { IdempotencyConflictError, IllegalTransitionError } from '../../../../lib/errors';
import { startDynalite, type TestTable } from '../../../support/dynalite';
import { pendingOrder } from '../../../support/fakes';

let table: TestTable;
let orders: OrderStore;

beforeAll(async () => {
  table = await startDynalite();
  const { orderStore } = await import('../../../../lib/orders/order-store');
  orders = orderStore(table.tableName);
});
afterAll(() => table.close());

const rawOrderItem = async (orderId: string) =>
  (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' } }))).Item;

describe('orderStore.create and get', () => {
  it('stores a new order and reads it back as it was', async () => {
    const order = pendingOrder({ orderId: 'store-create-1' });

    const result = await orders.create(order);

    expect(result).toEqual({ order, created: true });
    await expect(orders.get('store-create-1')).resolves.toEqual(order);
  });

  it('files a new order in the sparse PENDING index', async () => {
    await orders.create(pendingOrder({ orderId: 'store-create-2', createdAt: '2026-11-22T09:00:00.000Z' }));

    expect(await rawOrderItem('store-create-2')).toMatchObject({ gsi1pk: 'PENDING', gsi1sk: '2026-11-22T09:00:00.000Z' });
  });

  it('does not overwrite an order that exists', async () => {
    const first = pendingOrder({ orderId: 'store-create-3', totalCents: 100 });
    await orders.create(first);

    const again = await orders.create({ ...first, totalCents: 999 });

    expect(again).toEqual({ order: first, created: false });
    await expect(orders.get('store-create-3')).resolves.toMatchObject({ totalCents: 100 });
  });

  it('answers undefined for an order that does not exist', async () => {
    await expect(orders.get('no-such-order')).resolves.toBeUndefined();
  });

  it('gives a repeated idempotent request the first order back', async () => {
    const first = pendingOrder({ orderId: 'store-idem-1' });
    const claim = { key: 'key-1', requestHash: 'hash-a' };
    await orders.create(first, claim);

    const replay = await orders.create(pendingOrder({ orderId: 'store-idem-2' }), claim);

    expect(replay).toEqual({ order: first, created: false });
    await expect(orders.get('store-idem-2')).resolves.toBeUndefined();
  });

  it('refuses the same key with another request hash', async () => {
    await orders.create(pendingOrder({ orderId: 'store-idem-3' }), { key: 'key-2', requestHash: 'hash-a' });

    await expect(orders.create(pendingOrder({ orderId: 'store-idem-4' }), { key: 'key-2', requestHash: 'hash-b' })).rejects.toBeInstanceOf(
      IdempotencyConflictError,
    );
    await expect(orders.get('store-idem-4')).resolves.toBeUndefined();
  });

  it('scopes idempotency keys to the customer', async () => {
    const claim = { key: 'key-3', requestHash: 'hash-a' };
    await orders.create(pendingOrder({ orderId: 'store-idem-5', customerId: 'customer-a' }), claim);

    const other = await orders.create(pendingOrder({ orderId: 'store-idem-6', customerId: 'customer-b' }), claim);

    expect(other.created).toBe(true);
    expect(other.order.orderId).toBe('store-idem-6');
  });

  it('finishes the work of an earlier request that claimed the key but stored no order', async () => {
    // The key is claimed for store-idem-7 (as by a request that then crashed), but no order was stored.
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: 'IDEMPOTENCY#8d2f4b1e-6c3a-4f7d-9b2e-1a5c3e7f9d01#key-4', sk: 'IDEMPOTENCY', orderId: 'store-idem-7', requestHash: 'hash-a' },
      }),
    );

    const result = await orders.create(pendingOrder({ orderId: 'store-idem-8' }), { key: 'key-4', requestHash: 'hash-a' });

    expect(result.created).toBe(true);
    expect(result.order.orderId).toBe('store-idem-7');
    await expect(orders.get('store-idem-7')).resolves.toMatchObject({ orderId: 'store-idem-7', status: 'PENDING' });
    await expect(orders.get('store-idem-8')).resolves.toBeUndefined();
  });
});

describe('orderStore.transition', () => {
  it('moves the stored order on and returns it as stored', async () => {
    const order = (await orders.create(pendingOrder({ orderId: 'store-move-1' }))).order;

    const moved = await orders.transition(order, 'PAID', new Date('2026-11-22T10:00:01.250Z'));

    expect(moved.changed).toBe(true);
    expect(moved.order).toMatchObject({ status: 'PAID', version: 2 });
    await expect(orders.get('store-move-1')).resolves.toEqual(moved.order);
  });

  it('takes the order out of the PENDING index', async () => {
    const order = (await orders.create(pendingOrder({ orderId: 'store-move-2' }))).order;

    await orders.transition(order, 'PAYMENT_FAILED', new Date('2026-11-22T10:00:01.000Z'));

    const item = await rawOrderItem('store-move-2');
    expect(item).not.toHaveProperty('gsi1pk');
    expect(item).not.toHaveProperty('gsi1sk');
  });

  it.each(['EXPIRED', 'PAID'] as const)('files a %s order nowhere: only PENDING orders are in the sweep index', async (to) => {
    const order = (await orders.create(pendingOrder({ orderId: `store-unfiled-${to}`, createdAt: '2026-04-01T08:00:00.000Z' }))).order;

    await orders.transition(order, to, new Date('2026-04-01T08:20:00.000Z'));

    const item = await rawOrderItem(`store-unfiled-${to}`);
    expect(item).toMatchObject({ status: to, version: 2 });
    expect(item).not.toHaveProperty('gsi1pk');
    expect(item).not.toHaveProperty('gsi1sk');
    expect(await orders.pendingBefore(new Date('2026-04-02T00:00:00.000Z'), 100)).not.toContain(`store-unfiled-${to}`);
  });

  it('changes nothing when the order moved since it was read (stale version)', async () => {
    const seen = (await orders.create(pendingOrder({ orderId: 'store-move-3' }))).order;
    const paid = (await orders.transition(seen, 'PAID', new Date('2026-11-22T10:00:01.000Z'))).order;

    const late = await orders.transition(seen, 'EXPIRED', new Date('2026-11-22T10:20:00.000Z'));

    expect(late).toEqual({ order: paid, changed: false });
    await expect(orders.get('store-move-3')).resolves.toEqual(paid);
  });

  it('changes nothing when the stored version differs even with the same status', async () => {
    const seen = (await orders.create(pendingOrder({ orderId: 'store-move-4' }))).order;

    const result = await orders.transition({ ...seen, version: 7 }, 'PAID', new Date());

    expect(result.changed).toBe(false);
    await expect(orders.get('store-move-4')).resolves.toMatchObject({ status: 'PENDING', version: 1 });
  });

  it('lets exactly one of two racing transitions win', async () => {
    const seen = (await orders.create(pendingOrder({ orderId: 'store-move-5' }))).order;

    const results = await Promise.all([
      orders.transition(seen, 'PAID', new Date('2026-11-22T10:00:01.000Z')),
      orders.transition(seen, 'EXPIRED', new Date('2026-11-22T10:00:01.000Z')),
    ]);

    expect(results.filter((result) => result.changed)).toHaveLength(1);
    const stored = await orders.get('store-move-5');
    expect(stored?.history).toHaveLength(2);
    expect(results.every((result) => result.order.status === stored?.status)).toBe(true);
  });

  it('refuses an illegal transition before writing anything', async () => {
    const order = (await orders.create(pendingOrder({ orderId: 'store-move-6' }))).order;

    await expect(orders.transition(order, 'CONFIRMED', new Date())).rejects.toBeInstanceOf(IllegalTransitionError);
    await expect(orders.get('store-move-6')).resolves.toEqual(order);
  });
});

describe('orderStore.pendingBefore', () => {
  it('lists PENDING orders created before the cutoff, oldest first, up to the limit', async () => {
    // Arrange: a separate day keeps these apart from the other tests' orders.
    const ids = ['sweep-3', 'sweep-1', 'sweep-2'];
    const times = ['2026-03-01T08:00:03.000Z', '2026-03-01T08:00:01.000Z', '2026-03-01T08:00:02.000Z'];
    for (const [i, orderId] of ids.entries()) await orders.create(pendingOrder({ orderId, createdAt: times[i] }));
    await orders.create(pendingOrder({ orderId: 'sweep-late', createdAt: '2026-03-01T09:00:00.000Z' }));
    const paid = (await orders.create(pendingOrder({ orderId: 'sweep-paid', createdAt: '2026-03-01T07:00:00.000Z' }))).order;
    await orders.transition(paid, 'PAID', new Date('2026-03-01T07:00:01.000Z'));

    // Act
    const all = await orders.pendingBefore(new Date('2026-03-01T08:30:00.000Z'), 10);
    const two = await orders.pendingBefore(new Date('2026-03-01T08:30:00.000Z'), 2);

    // Assert
    expect(all).toEqual(['sweep-1', 'sweep-2', 'sweep-3']);
    expect(two).toEqual(['sweep-1', 'sweep-2']);
  });
});
