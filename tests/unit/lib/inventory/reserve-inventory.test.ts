import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReserveInventoryDeps } from '../../../../lib/inventory/reserve-inventory';
import type * as ReserveInventoryModule from '../../../../lib/inventory/reserve-inventory';
import type { Order, OrderItem } from '../../../../lib/orders/order';
import type { OrderStore } from '../../../../lib/orders/order-store';
import type { StockStore } from '../../../../lib/inventory/stock-store';
import type { PaymentLedger } from '../../../../lib/payments/ledger';
import { seedCatalog, startDynalite, type TestTable } from '../../../support/dynalite';
import { pendingOrder, sampleOrder } from '../../../support/fakes';

let table: TestTable;
let reserve: typeof ReserveInventoryModule;
let orders: OrderStore;
let ledger: PaymentLedger;
let stock: StockStore;
let makeDeps: (changes?: Partial<ReserveInventoryDeps>) => ReserveInventoryDeps;

beforeAll(async () => {
  table = await startDynalite();
  await seedCatalog(table);
  reserve = await import('../../../../lib/inventory/reserve-inventory');
  orders = (await import('../../../../lib/orders/order-store')).orderStore(table.tableName);
  ledger = (await import('../../../../lib/payments/ledger')).paymentLedger(table.tableName);
  stock = (await import('../../../../lib/inventory/stock-store')).stockStore(table.tableName);
  makeDeps = (changes = {}) => ({
    orders,
    stock,
    ledger,
    clock: () => new Date('2026-11-22T10:00:02.500Z'),
    ...changes,
  });
});
afterAll(() => table.close());

const productItem = async (sku: string) =>
  (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'CATALOG', sk: sku }, ConsistentRead: true }))).Item;
const stockOf = async (sku: string) => (await productItem(sku))?.stock as number;
const addProduct = (sku: string, stock: number) =>
  table.doc.send(new PutCommand({ TableName: table.tableName, Item: { pk: 'CATALOG', sk: sku, sku, name: sku, priceCents: 100, currency: 'EUR', stock } }));
const restock = (sku: string, quantity: number) =>
  table.doc.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: { pk: 'CATALOG', sk: sku },
      UpdateExpression: 'ADD stock :qty',
      ExpressionAttributeValues: { ':qty': quantity },
    }),
  );
const item = (sku: string, quantity = 1): OrderItem => ({ sku, quantity, unitPriceCents: 100 });

/** A PAID order with a captured charge, as processPayment leaves it. */
async function paidOrder(orderId: string, items: OrderItem[]): Promise<Order> {
  const placed = (await orders.create(pendingOrder({ orderId, items }))).order;
  await ledger.beginAttempt(orderId);
  await ledger.write(ledger.captureWrite(orderId, `charge-${orderId}`));
  return (await orders.transition(placed, 'PAID', new Date('2026-11-22T10:00:01.250Z'))).order;
}

describe('reserveInventory', () => {
  it('takes the stock of every item, and confirms the order', async () => {
    await paidOrder('reserve-ok', sampleOrder().items);
    const [sku1, sku3] = [await stockOf('SKU-1'), await stockOf('SKU-3')];
    const deps = makeDeps();

    const order = await reserve.reserveInventory(deps, 'reserve-ok');

    expect(order).toMatchObject({ status: 'CONFIRMED', version: 3 });
    expect(await stockOf('SKU-1')).toBe(sku1 - 2);
    expect(await stockOf('SKU-3')).toBe(sku3 - 1);
    await expect(ledger.get('reserve-ok')).resolves.toMatchObject({ status: 'CHARGED', charges: 1 });
  });

  it('cancels and refunds an order of the product with zero stock (SKU-OOS)', async () => {
    await paidOrder('reserve-oos', [{ sku: 'SKU-OOS', quantity: 1, unitPriceCents: 8900 }]);
    const deps = makeDeps();

    const order = await reserve.reserveInventory(deps, 'reserve-oos');

    expect(order.status).toBe('CANCELLED');
    await expect(ledger.get('reserve-oos')).resolves.toMatchObject({ status: 'REFUNDED', charges: 1 });
    expect(await stockOf('SKU-OOS')).toBe(0);
  });

  it('does not take stock twice when the event is delivered again', async () => {
    await paidOrder('reserve-twice', [{ sku: 'SKU-2', quantity: 3, unitPriceCents: 3450 }]);
    const before = await stockOf('SKU-2');
    await reserve.reserveInventory(makeDeps(), 'reserve-twice');
    const deps = makeDeps();

    const order = await reserve.reserveInventory(deps, 'reserve-twice');

    expect(order).toMatchObject({ status: 'CONFIRMED', version: 3 });
    expect(await stockOf('SKU-2')).toBe(before - 3);
  });

  it('does not take stock twice under concurrent deliveries', async () => {
    await paidOrder('reserve-concurrent', [{ sku: 'SKU-4', quantity: 2, unitPriceCents: 12900 }]);
    const before = await stockOf('SKU-4');
    const deliveries = Array.from({ length: 4 }, () => makeDeps());

    const outcomes = await Promise.all(deliveries.map((deps) => reserve.reserveInventory(deps, 'reserve-concurrent')));

    expect(outcomes.map((order) => order.status)).toEqual(['CONFIRMED', 'CONFIRMED', 'CONFIRMED', 'CONFIRMED']);
    expect(await stockOf('SKU-4')).toBe(before - 2);
    await expect(orders.get('reserve-concurrent')).resolves.toMatchObject({ status: 'CONFIRMED', version: 3 });
  });

  it('takes nothing when one item is short, and cancels and refunds the order', async () => {
    await paidOrder('reserve-partial', [
      { sku: 'SKU-1', quantity: 5, unitPriceCents: 2499 },
      { sku: 'SKU-3', quantity: 4, unitPriceCents: 599 },
      { sku: 'SKU-OOS', quantity: 1, unitPriceCents: 8900 },
    ]);
    const [sku1, sku3] = [await stockOf('SKU-1'), await stockOf('SKU-3')];

    const order = await reserve.reserveInventory(makeDeps(), 'reserve-partial');

    expect(order.status).toBe('CANCELLED');
    expect(await stockOf('SKU-1')).toBe(sku1);
    expect(await stockOf('SKU-3')).toBe(sku3);
    await expect(ledger.get('reserve-partial')).resolves.toMatchObject({ status: 'REFUNDED' });
  });

  it('leaves a cancelled order as it is on redelivery and refunds nothing more', async () => {
    await paidOrder('reserve-oos-again', [{ sku: 'SKU-OOS', quantity: 1, unitPriceCents: 8900 }]);
    await reserve.reserveInventory(makeDeps(), 'reserve-oos-again');
    const deps = makeDeps();

    const order = await reserve.reserveInventory(deps, 'reserve-oos-again');

    expect(order).toMatchObject({ status: 'CANCELLED', version: 3 });
  });

  it.each(['PENDING', 'EXPIRED'] as const)('leaves a %s order alone', async (status) => {
    const orderId = `reserve-${status.toLowerCase()}`;
    const placed = (await orders.create(pendingOrder({ orderId }))).order;
    if (status === 'EXPIRED') await orders.transition(placed, 'EXPIRED', new Date());
    const before = await stockOf('SKU-1');
    const deps = makeDeps();

    const order = await reserve.reserveInventory(deps, orderId);

    expect(order.status).toBe(status);
    expect(await stockOf('SKU-1')).toBe(before);
  });

  it('fails loudly for an order that does not exist', async () => {
    await expect(reserve.reserveInventory(makeDeps(), 'reserve-missing')).rejects.toThrow('Order reserve-missing does not exist');
  });
});

describe('reserveInventory with two deliveries of one OrderPaid at once', () => {
  it.each([
    ['enough stock: CONFIRMED, charged, every item taken once', 'CONFIRMED', 'CHARGED', 5, 4],
    ['a short item: CANCELLED, refunded, nothing taken', 'CANCELLED', 'REFUNDED', 5, 5],
  ] as const)('ends consistent with %s', async (_label, status, payment, stockBefore, stockAfter) => {
    const orderId = `both-${status.toLowerCase()}`;
    await addProduct(`${orderId}-A`, stockBefore);
    await addProduct(`${orderId}-B`, status === 'CONFIRMED' ? 5 : 0);
    await paidOrder(orderId, [item(`${orderId}-A`), item(`${orderId}-B`)]);
    const [first, second] = [makeDeps(), makeDeps()];

    const outcomes = await Promise.all([reserve.reserveInventory(first, orderId), reserve.reserveInventory(second, orderId)]);

    expect(outcomes.map((order) => order.status)).toEqual([status, status]);
    await expect(orders.get(orderId)).resolves.toMatchObject({ status, version: 3 });
    await expect(ledger.get(orderId)).resolves.toMatchObject({ status: payment, charges: 1 });
    expect(await stockOf(`${orderId}-A`)).toBe(stockAfter);
  });

  it('confirms, and refunds nothing, when a second delivery confirms while the first one, which found an item short, has yet to cancel', async () => {
    // Arrange: the first delivery finds B short and waits; meanwhile B is restocked and a second delivery runs.
    await addProduct('race-cancel-A', 5);
    await addProduct('race-cancel-B', 0);
    await paidOrder('race-cancel', [item('race-cancel-A'), item('race-cancel-B')]);
    const second = makeDeps();
    const first = makeDeps({
      stock: {
        reserveAndConfirm: async (order, at) => {
          const reservation = await stock.reserveAndConfirm(order, at);
          await restock('race-cancel-B', 1);
          await reserve.reserveInventory(second, 'race-cancel');
          return reservation;
        },
      },
    });

    // Act
    const order = await reserve.reserveInventory(first, 'race-cancel');

    // Assert: the confirmation stands; the first delivery's cancel found the order moved on and left it as it is.
    expect(order.status).toBe('CONFIRMED');
    await expect(orders.get('race-cancel')).resolves.toMatchObject({ status: 'CONFIRMED', version: 3 });
    await expect(ledger.get('race-cancel')).resolves.toMatchObject({ status: 'CHARGED', charges: 1 });
    expect([await stockOf('race-cancel-A'), await stockOf('race-cancel-B')]).toEqual([4, 0]);
  });

  it('takes no stock for an order a second delivery cancelled after the first one read it', async () => {
    // Arrange: the first delivery has read the PAID order; a second one cancels it (B short), then B is restocked.
    await addProduct('race-confirm-A', 5);
    await addProduct('race-confirm-B', 0);
    await paidOrder('race-confirm', [item('race-confirm-A'), item('race-confirm-B')]);
    const second = makeDeps();
    const first = makeDeps({
      stock: {
        reserveAndConfirm: async (order, at) => {
          await reserve.reserveInventory(second, 'race-confirm');
          await restock('race-confirm-B', 1);
          return stock.reserveAndConfirm(order, at);
        },
      },
    });

    // Act
    const order = await reserve.reserveInventory(first, 'race-confirm');

    // Assert: cancelled, refunded once, and no stock taken by the first delivery's late transaction.
    expect(order.status).toBe('CANCELLED');
    await expect(orders.get('race-confirm')).resolves.toMatchObject({ status: 'CANCELLED', version: 3 });
    await expect(ledger.get('race-confirm')).resolves.toMatchObject({ status: 'REFUNDED', charges: 1 });
    expect([await stockOf('race-confirm-A'), await stockOf('race-confirm-B')]).toEqual([5, 1]);
  });

  it('passes on a failure to reserve, leaving the order PAID with nothing taken, for the retry to do it', async () => {
    await addProduct('failing-A', 5);
    await paidOrder('failing', [item('failing-A')]);
    const failing = makeDeps({
      stock: {
        reserveAndConfirm: async () => {
          throw new Error('DynamoDB throttled');
        },
      },
    });

    await expect(reserve.reserveInventory(failing, 'failing')).rejects.toThrow('DynamoDB throttled');
    await expect(orders.get('failing')).resolves.toMatchObject({ status: 'PAID' });
    const order = await reserve.reserveInventory(makeDeps(), 'failing');

    expect(order.status).toBe('CONFIRMED');
    expect(await stockOf('failing-A')).toBe(4);
  });

  it('cancels and refunds in one transaction: when the order moved on meanwhile, neither is written', async () => {
    // Arrange: the reservation reads the order PAID; another delivery confirms it before this one cancels.
    const placed = await paidOrder('cancel-raced', [item('SKU-OOS')]);
    const deps = makeDeps();
    deps.orders = {
      ...orders,
      transitionWith: async (order, to, at, effect) => {
        await orders.transition(order, 'CONFIRMED', at);
        return orders.transitionWith(order, to, at, effect);
      },
    };

    // Act
    const order = await reserve.reserveInventory(deps, 'cancel-raced');

    // Assert
    expect(order.status).toBe('CONFIRMED');
    await expect(ledger.get('cancel-raced')).resolves.toMatchObject({ status: 'CHARGED', charges: 1 });
    expect(placed.status).toBe('PAID');
  });

  it('serves orders in turn until a product runs out, leaving the product item as the catalog wrote it', async () => {
    await addProduct('served-A', 100);
    await addProduct('served-B', 3);
    const before = await productItem('served-A');
    for (let i = 1; i <= 8; i += 1) await paidOrder(`served-${i}`, [item('served-A'), item('served-B')]);

    const outcomes = [];
    for (let i = 1; i <= 8; i += 1) outcomes.push((await reserve.reserveInventory(makeDeps(), `served-${i}`)).status);

    expect(outcomes).toEqual(['CONFIRMED', 'CONFIRMED', 'CONFIRMED', 'CANCELLED', 'CANCELLED', 'CANCELLED', 'CANCELLED', 'CANCELLED']);
    expect([await stockOf('served-A'), await stockOf('served-B')]).toEqual([97, 0]);
    expect(await productItem('served-A')).toEqual({ ...before, stock: 97 });
  });
});
