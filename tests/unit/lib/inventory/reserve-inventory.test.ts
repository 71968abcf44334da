import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ReserveInventoryDeps } from '../../../../lib/inventory/reserve-inventory';
import type * as ReserveInventoryModule from '../../../../lib/inventory/reserve-inventory';
import type { Order, OrderItem } from '../../../../lib/orders/order';
import type { OrderStore } from '../../../../lib/orders/order-store';
import type { PaymentLedger } from '../../../../lib/payments/ledger';
import { seedCatalog, startDynalite, type TestTable } from '../../../support/dynalite';
import { pendingOrder, recordingEvents } from '../../../support/fakes';

let table: TestTable;
let reserve: typeof ReserveInventoryModule;
let orders: OrderStore;
let ledger: PaymentLedger;
let makeDeps: () => ReserveInventoryDeps & { events: ReturnType<typeof recordingEvents> };

beforeAll(async () => {
  table = await startDynalite();
  await seedCatalog(table);
  reserve = await import('../../../../lib/inventory/reserve-inventory');
  orders = (await import('../../../../lib/orders/order-store')).orderStore(table.tableName);
  ledger = (await import('../../../../lib/payments/ledger')).paymentLedger(table.tableName);
  const stock = (await import('../../../../lib/inventory/stock-store')).stockStore(table.tableName);
  makeDeps = () => ({ orders, stock, ledger, events: recordingEvents(), clock: () => new Date('2026-11-22T10:00:02.500Z') });
});
afterAll(() => table.close());

const stockOf = async (sku: string) =>
  (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'CATALOG', sk: sku }, ConsistentRead: true }))).Item?.stock as number;

/** A PAID order with a captured charge, as processPayment leaves it. */
async function paidOrder(orderId: string, items: OrderItem[]): Promise<Order> {
  const placed = (await orders.create(pendingOrder({ orderId, items }))).order;
  await ledger.beginAttempt(orderId);
  await ledger.capture(orderId, `charge-${orderId}`);
  return (await orders.transition(placed, 'PAID', new Date('2026-11-22T10:00:01.250Z'))).order;
}

describe('reserveInventory', () => {
  it('takes the stock of every item, confirms the order and announces it', async () => {
    await paidOrder('reserve-ok', [
      { sku: 'SKU-1', quantity: 2, unitPriceCents: 2499 },
      { sku: 'SKU-3', quantity: 1, unitPriceCents: 599 },
    ]);
    const [sku1, sku3] = [await stockOf('SKU-1'), await stockOf('SKU-3')];
    const deps = makeDeps();

    const order = await reserve.reserveInventory(deps, 'reserve-ok');

    expect(order).toMatchObject({ status: 'CONFIRMED', version: 3 });
    expect(await stockOf('SKU-1')).toBe(sku1 - 2);
    expect(await stockOf('SKU-3')).toBe(sku3 - 1);
    await expect(ledger.get('reserve-ok')).resolves.toMatchObject({ status: 'CHARGED', charges: 1 });
    expect(deps.events.statuses()).toEqual(['CONFIRMED']);
  });

  it('cancels and refunds an order of the product with zero stock (SKU-OOS)', async () => {
    await paidOrder('reserve-oos', [{ sku: 'SKU-OOS', quantity: 1, unitPriceCents: 8900 }]);
    const deps = makeDeps();

    const order = await reserve.reserveInventory(deps, 'reserve-oos');

    expect(order.status).toBe('CANCELLED');
    await expect(ledger.get('reserve-oos')).resolves.toMatchObject({ status: 'REFUNDED', charges: 1 });
    expect(await stockOf('SKU-OOS')).toBe(0);
    expect(deps.events.statuses()).toEqual(['CANCELLED']);
  });

  it('does not take stock twice when the event is delivered again; it announces the outcome again', async () => {
    await paidOrder('reserve-twice', [{ sku: 'SKU-2', quantity: 3, unitPriceCents: 3450 }]);
    const before = await stockOf('SKU-2');
    await reserve.reserveInventory(makeDeps(), 'reserve-twice');
    const deps = makeDeps();

    const order = await reserve.reserveInventory(deps, 'reserve-twice');

    expect(order).toMatchObject({ status: 'CONFIRMED', version: 3 });
    expect(await stockOf('SKU-2')).toBe(before - 3);
    expect(deps.events.statuses()).toEqual(['CONFIRMED']);
  });

  it('does not take stock twice under concurrent deliveries', async () => {
    await paidOrder('reserve-concurrent', [{ sku: 'SKU-4', quantity: 2, unitPriceCents: 12900 }]);
    const before = await stockOf('SKU-4');

    await Promise.all(Array.from({ length: 4 }, () => reserve.reserveInventory(makeDeps(), 'reserve-concurrent')));

    expect(await stockOf('SKU-4')).toBe(before - 2);
    await expect(orders.get('reserve-concurrent')).resolves.toMatchObject({ status: 'CONFIRMED', version: 3 });
  });

  it('gives back what it took when a later item is short', async () => {
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

  it('announces a cancelled order again on redelivery and refunds nothing more', async () => {
    await paidOrder('reserve-oos-again', [{ sku: 'SKU-OOS', quantity: 1, unitPriceCents: 8900 }]);
    await reserve.reserveInventory(makeDeps(), 'reserve-oos-again');
    const deps = makeDeps();

    const order = await reserve.reserveInventory(deps, 'reserve-oos-again');

    expect(order).toMatchObject({ status: 'CANCELLED', version: 3 });
    expect(deps.events.statuses()).toEqual(['CANCELLED']);
  });

  it.each(['PENDING', 'EXPIRED'] as const)('leaves a %s order alone and announces nothing', async (status) => {
    const orderId = `reserve-${status.toLowerCase()}`;
    const placed = (await orders.create(pendingOrder({ orderId }))).order;
    if (status === 'EXPIRED') await orders.transition(placed, 'EXPIRED', new Date());
    const before = await stockOf('SKU-1');
    const deps = makeDeps();

    const order = await reserve.reserveInventory(deps, orderId);

    expect(order.status).toBe(status);
    expect(await stockOf('SKU-1')).toBe(before);
    expect(deps.events.announced).toEqual([]);
  });

  it('fails loudly for an order that does not exist', async () => {
    await expect(reserve.reserveInventory(makeDeps(), 'reserve-missing')).rejects.toThrow('Order reserve-missing does not exist');
  });
});

describe('reserveItems', () => {
  it('takes nothing at all when the first item is short', async () => {
    const before = await stockOf('SKU-2');
    const stock = makeDeps().stock;

    const reserved = await reserve.reserveItems(stock, 'items-first-short', [
      { sku: 'SKU-OOS', quantity: 1, unitPriceCents: 8900 },
      { sku: 'SKU-2', quantity: 1, unitPriceCents: 3450 },
    ]);

    expect(reserved).toBe(false);
    expect(await stockOf('SKU-2')).toBe(before);
  });
});
