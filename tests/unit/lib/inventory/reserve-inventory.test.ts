import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TransientError } from '../../../../lib/errors';
import type { ReserveInventoryDeps } from '../../../../lib/inventory/reserve-inventory';
import type * as ReserveInventoryModule from '../../../../lib/inventory/reserve-inventory';
import type { Order, OrderItem } from '../../../../lib/orders/order';
import type { OrderStore } from '../../../../lib/orders/order-store';
import type { StockStore } from '../../../../lib/inventory/stock-store';
import type { PaymentLedger } from '../../../../lib/payments/ledger';
import { seedCatalog, startDynalite, type TestTable } from '../../../support/dynalite';
import { pendingOrder, recordingEvents } from '../../../support/fakes';

let table: TestTable;
let reserve: typeof ReserveInventoryModule;
let orders: OrderStore;
let ledger: PaymentLedger;
let stock: StockStore;
let makeDeps: (changes?: Partial<Omit<ReserveInventoryDeps, 'events'>>) => ReserveInventoryDeps & { events: ReturnType<typeof recordingEvents> };

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
    events: recordingEvents(),
    clock: () => new Date('2026-11-22T10:00:02.500Z'),
    newId: randomUUID,
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
    new UpdateCommand({ TableName: table.tableName, Key: { pk: 'CATALOG', sk: sku }, UpdateExpression: 'ADD stock :qty', ExpressionAttributeValues: { ':qty': quantity } }),
  );
const item = (sku: string, quantity = 1): OrderItem => ({ sku, quantity, unitPriceCents: 100 });

/** A promise a test resolves by hand, to hold one delivery at a chosen step. */
function signal() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

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

    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => reserve.reserveInventory(makeDeps(), 'reserve-concurrent')));

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(TransientError);
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

    const outcomes = await Promise.allSettled([reserve.reserveInventory(first, orderId), reserve.reserveInventory(second, orderId)]);
    // Lambda delivers again an event whose handler threw; the redelivery finds the outcome.
    const retried = makeDeps({ clock: () => new Date('2026-11-22T10:05:00.000Z') });
    for (const outcome of outcomes) if (outcome.status === 'rejected') await reserve.reserveInventory(retried, orderId);

    for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(TransientError);
    await expect(orders.get(orderId)).resolves.toMatchObject({ status, version: 3 });
    await expect(ledger.get(orderId)).resolves.toMatchObject({ status: payment, charges: 1 });
    expect(await stockOf(`${orderId}-A`)).toBe(stockAfter);
    expect([...first.events.statuses(), ...second.events.statuses(), ...retried.events.statuses()]).toContain(status);
  });

  it('does not confirm an order that the first delivery is cancelling and refunding (it found an item short)', async () => {
    // Arrange: the first delivery takes A, finds B short and waits; meanwhile B is restocked and a second delivery runs.
    await addProduct('race-cancel-A', 5);
    await addProduct('race-cancel-B', 0);
    await paidOrder('race-cancel', [item('race-cancel-A'), item('race-cancel-B')]);
    const firstFoundShort = signal();
    const secondDone = signal();
    const first = makeDeps({
      stock: {
        ...stock,
        take: async (sku, orderId, quantity) => {
          const taken = await stock.take(sku, orderId, quantity);
          if (!taken) {
            firstFoundShort.resolve();
            await secondDone.promise;
          }
          return taken;
        },
      },
    });
    const second = makeDeps({
      stock: {
        ...stock,
        take: async (sku, orderId, quantity) => {
          if (sku === 'race-cancel-B') await restock('race-cancel-B', 1);
          return stock.take(sku, orderId, quantity);
        },
      },
    });

    // Act
    const [firstOutcome, secondOutcome] = await Promise.allSettled([
      reserve.reserveInventory(first, 'race-cancel'),
      firstFoundShort.promise.then(() => reserve.reserveInventory(second, 'race-cancel')).finally(() => secondDone.resolve()),
    ]);

    // Assert: one delivery decides; the order is cancelled, refunded and holds no stock.
    expect(firstOutcome).toMatchObject({ status: 'fulfilled', value: { status: 'CANCELLED' } });
    expect(secondOutcome).toMatchObject({ status: 'rejected', reason: expect.any(TransientError) });
    await expect(orders.get('race-cancel')).resolves.toMatchObject({ status: 'CANCELLED', version: 3 });
    await expect(ledger.get('race-cancel')).resolves.toMatchObject({ status: 'REFUNDED' });
    expect(await stockOf('race-cancel-A')).toBe(5);
    expect(first.events.statuses()).toEqual(['CANCELLED']);
    expect(second.events.statuses()).toEqual([]);
  });

  it('does not cancel an order that the first delivery is confirming (a later item came back in stock)', async () => {
    // Arrange: the first delivery takes A and waits before B; a second delivery runs, then B is restocked.
    await addProduct('race-confirm-A', 5);
    await addProduct('race-confirm-B', 0);
    await paidOrder('race-confirm', [item('race-confirm-A'), item('race-confirm-B')]);
    const firstAtB = signal();
    const secondDone = signal();
    const first = makeDeps({
      stock: {
        ...stock,
        take: async (sku, orderId, quantity) => {
          if (sku === 'race-confirm-B') {
            firstAtB.resolve();
            await secondDone.promise;
          }
          return stock.take(sku, orderId, quantity);
        },
      },
    });
    const second = makeDeps();

    // Act
    const [firstOutcome, secondOutcome] = await Promise.allSettled([
      reserve.reserveInventory(first, 'race-confirm'),
      firstAtB.promise
        .then(() => reserve.reserveInventory(second, 'race-confirm'))
        .finally(async () => {
          await restock('race-confirm-B', 1);
          secondDone.resolve();
        }),
    ]);

    // Assert: confirmed, charged, and holding one of each item.
    expect(firstOutcome).toMatchObject({ status: 'fulfilled', value: { status: 'CONFIRMED' } });
    expect(secondOutcome).toMatchObject({ status: 'rejected', reason: expect.any(TransientError) });
    await expect(orders.get('race-confirm')).resolves.toMatchObject({ status: 'CONFIRMED', version: 3 });
    await expect(ledger.get('race-confirm')).resolves.toMatchObject({ status: 'CHARGED' });
    expect([await stockOf('race-confirm-A'), await stockOf('race-confirm-B')]).toEqual([4, 0]);
  });

  it('lets a redelivery take over the claim of a delivery that stopped, once the claim has lapsed', async () => {
    await addProduct('lapsed-A', 5);
    await paidOrder('lapsed', [item('lapsed-A')]);
    const at = (iso: string) => makeDeps({ clock: () => new Date(iso) });
    await orders.claimReservation('lapsed', 'a-delivery-that-crashed', new Date('2026-11-22T10:00:02.000Z'), new Date('2026-11-22T10:00:32.000Z'));

    await expect(reserve.reserveInventory(at('2026-11-22T10:00:20.000Z'), 'lapsed')).rejects.toBeInstanceOf(TransientError);
    const order = await reserve.reserveInventory(at('2026-11-22T10:01:02.000Z'), 'lapsed');

    expect(order.status).toBe('CONFIRMED');
    expect(await stockOf('lapsed-A')).toBe(4);
  });

  it('lets go of its claim when it fails, so that the retry need not wait for the claim to lapse', async () => {
    await addProduct('failing-A', 5);
    await paidOrder('failing', [item('failing-A')]);
    const failing = makeDeps({
      stock: {
        ...stock,
        take: async () => {
          throw new Error('DynamoDB throttled');
        },
      },
    });

    await expect(reserve.reserveInventory(failing, 'failing')).rejects.toThrow('DynamoDB throttled');
    const order = await reserve.reserveInventory(makeDeps(), 'failing');

    expect(order.status).toBe('CONFIRMED');
    expect(await stockOf('failing-A')).toBe(4);
  });

  it('refunds a CANCELLED order on redelivery when the delivery that cancelled it stopped before refunding', async () => {
    const placed = await paidOrder('cancelled-unrefunded', [item('SKU-OOS')]);
    await orders.transition(placed, 'CANCELLED', new Date('2026-11-22T10:00:02.000Z'));
    const deps = makeDeps();

    const order = await reserve.reserveInventory(deps, 'cancelled-unrefunded');

    expect(order.status).toBe('CANCELLED');
    await expect(ledger.get('cancelled-unrefunded')).resolves.toMatchObject({ status: 'REFUNDED', charges: 1 });
    expect(deps.events.statuses()).toEqual(['CANCELLED']);
  });

  it('leaves no order marked on a product however many orders it served', async () => {
    await addProduct('served-A', 100);
    await addProduct('served-B', 3);
    for (let i = 1; i <= 8; i += 1) await paidOrder(`served-${i}`, [item('served-A'), item('served-B')]);

    const outcomes = [];
    for (let i = 1; i <= 8; i += 1) outcomes.push((await reserve.reserveInventory(makeDeps(), `served-${i}`)).status);

    expect(outcomes).toEqual(['CONFIRMED', 'CONFIRMED', 'CONFIRMED', 'CANCELLED', 'CANCELLED', 'CANCELLED', 'CANCELLED', 'CANCELLED']);
    expect([await stockOf('served-A'), await stockOf('served-B')]).toEqual([97, 0]);
    for (const sku of ['served-A', 'served-B']) {
      expect(await productItem(sku)).not.toHaveProperty('reservedFor');
      expect(await productItem(sku)).not.toHaveProperty('returningFor');
    }
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
