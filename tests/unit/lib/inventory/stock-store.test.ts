import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { TransientError } from '../../../../lib/errors';
import type { StockStore } from '../../../../lib/inventory/stock-store';
import type { Order, OrderItem } from '../../../../lib/orders/order';
import type { OrderStore } from '../../../../lib/orders/order-store';
import { seedCatalog, startDynalite, type TestTable } from '../../../support/dynalite';
import { pendingOrder } from '../../../support/fakes';

let table: TestTable;
let stock: StockStore;
let orders: OrderStore;

beforeAll(async () => {
  table = await startDynalite();
  await seedCatalog(table, [
    { sku: 'SKU-TEN', name: 'Ten in stock', priceCents: 100, currency: 'EUR', stock: 10 },
    { sku: 'SKU-FIVE', name: 'Five in stock', priceCents: 100, currency: 'EUR', stock: 5 },
    { sku: 'SKU-ONE', name: 'One in stock', priceCents: 100, currency: 'EUR', stock: 1 },
    { sku: 'SKU-LAST', name: 'The last one', priceCents: 100, currency: 'EUR', stock: 1 },
    { sku: 'SKU-ZERO', name: 'Sold out', priceCents: 100, currency: 'EUR', stock: 0 },
    { sku: 'SKU-TWINS', name: 'For twin deliveries', priceCents: 100, currency: 'EUR', stock: 20 },
  ]);
  stock = (await import('../../../../lib/inventory/stock-store')).stockStore(table.tableName);
  orders = (await import('../../../../lib/orders/order-store')).orderStore(table.tableName);
});
afterAll(() => table.close());

const at = new Date('2026-11-22T10:00:02.500Z');
const productItem = async (sku: string) =>
  (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'CATALOG', sk: sku }, ConsistentRead: true }))).Item;
const stockOf = async (sku: string) => (await productItem(sku))?.stock;
const item = (sku: string, quantity = 1): OrderItem => ({ sku, quantity, unitPriceCents: 100 });

/** A PAID order, as processPayment leaves it. */
async function paidOrder(orderId: string, items: OrderItem[]): Promise<Order> {
  const placed = (await orders.create(pendingOrder({ orderId, items }))).order;
  return (await orders.transition(placed, 'PAID', new Date('2026-11-22T10:00:01.250Z'))).order;
}

describe('stockStore.reserveAndConfirm', () => {
  it('takes the quantity of every item and confirms the order, in one write', async () => {
    const order = await paidOrder('stock-ok', [item('SKU-TEN', 3), item('SKU-FIVE', 2)]);

    const reservation = await stock.reserveAndConfirm(order, at);

    expect(reservation).toMatchObject({ outcome: 'CONFIRMED', order: { status: 'CONFIRMED', version: 3 } });
    await expect(orders.get('stock-ok')).resolves.toEqual(reservation.outcome === 'CONFIRMED' ? reservation.order : undefined);
    expect([await stockOf('SKU-TEN'), await stockOf('SKU-FIVE')]).toEqual([7, 3]);
  });

  it('takes nothing and leaves the order PAID when any item is short', async () => {
    const order = await paidOrder('stock-short', [item('SKU-TEN', 1), item('SKU-ONE', 2)]);
    const before = [await stockOf('SKU-TEN'), await stockOf('SKU-ONE')];

    const reservation = await stock.reserveAndConfirm(order, at);

    expect(reservation).toEqual({ outcome: 'SHORT' });
    expect([await stockOf('SKU-TEN'), await stockOf('SKU-ONE')]).toEqual(before);
    await expect(orders.get('stock-short')).resolves.toMatchObject({ status: 'PAID', version: 2 });
  });

  it('answers SHORT for a product with no stock at all', async () => {
    const order = await paidOrder('stock-zero', [item('SKU-ZERO')]);

    await expect(stock.reserveAndConfirm(order, at)).resolves.toEqual({ outcome: 'SHORT' });

    expect(await stockOf('SKU-ZERO')).toBe(0);
  });

  it('answers SHORT for a SKU no longer in the catalog, creating no product', async () => {
    const order = await paidOrder('stock-gone', [item('SKU-GONE')]);

    await expect(stock.reserveAndConfirm(order, at)).resolves.toEqual({ outcome: 'SHORT' });

    expect(await productItem('SKU-GONE')).toBeUndefined();
  });

  it('answers MOVED_ON, taking nothing, when the order changed since it was read', async () => {
    const order = await paidOrder('stock-moved', [item('SKU-TEN')]);
    await orders.transition(order, 'CANCELLED', at);
    const before = await stockOf('SKU-TEN');

    await expect(stock.reserveAndConfirm(order, at)).resolves.toEqual({ outcome: 'MOVED_ON' });

    expect(await stockOf('SKU-TEN')).toBe(before);
    await expect(orders.get('stock-moved')).resolves.toMatchObject({ status: 'CANCELLED' });
  });

  it('never sells the last unit twice to racing orders', async () => {
    const racing = [await paidOrder('stock-race-1', [item('SKU-LAST')]), await paidOrder('stock-race-2', [item('SKU-LAST')])];

    const outcomes = (await Promise.all(racing.map((order) => stock.reserveAndConfirm(order, at)))).map((r) => r.outcome);

    expect(outcomes.sort()).toEqual(['CONFIRMED', 'SHORT']);
    expect(await stockOf('SKU-LAST')).toBe(0);
  });

  it('takes the stock once when deliveries of one order race: one confirms, the others find it moved on', async () => {
    const order = await paidOrder('stock-twins', [item('SKU-TWINS', 4)]);

    const outcomes = (await Promise.all(Array.from({ length: 5 }, () => stock.reserveAndConfirm(order, at)))).map((r) => r.outcome);

    expect(outcomes.sort()).toEqual(['CONFIRMED', 'MOVED_ON', 'MOVED_ON', 'MOVED_ON', 'MOVED_ON']);
    expect(await stockOf('SKU-TWINS')).toBe(16);
    await expect(orders.get('stock-twins')).resolves.toMatchObject({ status: 'CONFIRMED', version: 3 });
  });

  it('leaves the product item as the catalog wrote it, but for its stock', async () => {
    const before = await productItem('SKU-FIVE');
    const order = await paidOrder('stock-fields', [item('SKU-FIVE')]);

    await stock.reserveAndConfirm(order, at);

    expect(await productItem('SKU-FIVE')).toEqual({ ...before, stock: (before!.stock as number) - 1 });
  });
});

describe('stockStore.reserveAndConfirm when DynamoDB cancels the transaction for another reason', () => {
  it('throws a TransientError on a conflict with another transaction, so that Lambda retries', async () => {
    const { dynamo } = await import('../../../../lib/aws/dynamodb');
    const stubbed = mockClient(dynamo);
    stubbed.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }],
      }),
    );
    try {
      const order = pendingOrder({ orderId: 'stock-conflict', status: 'PAID', version: 2, items: [item('SKU-TEN')] });

      await expect(stock.reserveAndConfirm(order, at)).rejects.toThrow(TransientError);
    } finally {
      stubbed.restore();
    }
  });

  it('passes on an error that is not a cancelled transaction', async () => {
    const { dynamo } = await import('../../../../lib/aws/dynamodb');
    const stubbed = mockClient(dynamo);
    stubbed.on(TransactWriteCommand).rejects(new Error('socket hang up'));
    try {
      const order = pendingOrder({ orderId: 'stock-down', status: 'PAID', version: 2, items: [item('SKU-TEN')] });

      await expect(stock.reserveAndConfirm(order, at)).rejects.toThrow('socket hang up');
    } finally {
      stubbed.restore();
    }
  });
});
