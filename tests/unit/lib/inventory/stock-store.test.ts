import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StockStore } from '../../../../lib/inventory/stock-store';
import { seedCatalog, startDynalite, type TestTable } from '../../../support/dynalite';

let table: TestTable;
let stock: StockStore;

beforeAll(async () => {
  table = await startDynalite();
  await seedCatalog(table, [
    { sku: 'SKU-TEN', name: 'Ten in stock', priceCents: 100, currency: 'EUR', stock: 10 },
    { sku: 'SKU-ONE', name: 'One in stock', priceCents: 100, currency: 'EUR', stock: 1 },
    { sku: 'SKU-GIVE', name: 'For give-back', priceCents: 100, currency: 'EUR', stock: 5 },
    { sku: 'SKU-ZERO', name: 'Sold out', priceCents: 100, currency: 'EUR', stock: 0 },
    { sku: 'SKU-MANY', name: 'Ordered often', priceCents: 100, currency: 'EUR', stock: 1000 },
    { sku: 'SKU-CRASH', name: 'For interrupted calls', priceCents: 100, currency: 'EUR', stock: 100 },
    { sku: 'SKU-ONE-LEFT', name: 'One left, for interrupted calls', priceCents: 100, currency: 'EUR', stock: 1 },
  ]);
  stock = (await import('../../../../lib/inventory/stock-store')).stockStore(table.tableName);
});
afterAll(() => table.close());

const productItem = async (sku: string) =>
  (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'CATALOG', sk: sku }, ConsistentRead: true }))).Item;
const stockOf = async (sku: string) => (await productItem(sku))?.stock;
const reservationItem = async (orderId: string, sku: string) =>
  (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: `ORDER#${orderId}`, sk: `RESERVATION#${sku}` }, ConsistentRead: true })))
    .Item;
/** The product names no order as in flight: every reservation it took part in is settled. */
const expectSettled = async (sku: string) => {
  const item = await productItem(sku);
  expect(item).not.toHaveProperty('reservedFor');
  expect(item).not.toHaveProperty('returningFor');
};

/** A call stopped (crashed, timed out) after writing the product item, before recording it on the order. */
const stockTakenUnrecorded = (sku: string, orderId: string, quantity: number) =>
  table.doc.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: { pk: 'CATALOG', sk: sku },
      UpdateExpression: 'SET stock = stock - :qty ADD reservedFor :order',
      ExpressionAttributeValues: { ':qty': quantity, ':order': new Set([orderId]) },
    }),
  );
const stockReturnedUnrecorded = (sku: string, orderId: string, quantity: number) =>
  table.doc.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: { pk: 'CATALOG', sk: sku },
      UpdateExpression: 'SET stock = stock + :qty ADD returningFor :order',
      ExpressionAttributeValues: { ':qty': quantity, ':order': new Set([orderId]) },
    }),
  );
const forgetReservation = (orderId: string, sku: string) =>
  table.doc.send(new DeleteCommand({ TableName: table.tableName, Key: { pk: `ORDER#${orderId}`, sk: `RESERVATION#${sku}` } }));
const recordReservation = (orderId: string, sku: string, quantity: number) =>
  table.doc.send(new PutCommand({ TableName: table.tableName, Item: { pk: `ORDER#${orderId}`, sk: `RESERVATION#${sku}`, sku, quantity } }));

describe('stockStore', () => {
  it('takes the quantity for an order', async () => {
    await expect(stock.take('SKU-TEN', 'order-a', 3)).resolves.toBe(true);

    expect(await stockOf('SKU-TEN')).toBe(7);
  });

  it('takes nothing more when the same order takes again', async () => {
    await stock.take('SKU-TEN', 'order-b', 2);
    const before = await stockOf('SKU-TEN');

    await expect(stock.take('SKU-TEN', 'order-b', 2)).resolves.toBe(true);

    expect(await stockOf('SKU-TEN')).toBe(before);
  });

  it('refuses a quantity above the stock and takes nothing', async () => {
    await expect(stock.take('SKU-ZERO', 'order-c', 1)).resolves.toBe(false);

    expect(await stockOf('SKU-ZERO')).toBe(0);
  });

  it('never sells the last unit twice to racing orders', async () => {
    const results = await Promise.all(['race-1', 'race-2', 'race-3', 'race-4'].map((orderId) => stock.take('SKU-ONE', orderId, 1)));

    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await stockOf('SKU-ONE')).toBe(0);
  });

  it('answers false for a SKU that is not in the catalog, creating nothing', async () => {
    await expect(stock.take('SKU-404', 'order-d', 1)).resolves.toBe(false);

    expect(await stockOf('SKU-404')).toBeUndefined();
  });

  it('gives back what an order took, once', async () => {
    await stock.take('SKU-GIVE', 'order-e', 4);

    await stock.giveBack('SKU-GIVE', 'order-e', 4);
    await stock.giveBack('SKU-GIVE', 'order-e', 4);

    expect(await stockOf('SKU-GIVE')).toBe(5);
  });

  it('gives back nothing for an order that took nothing', async () => {
    await stock.giveBack('SKU-GIVE', 'order-never', 3);

    expect(await stockOf('SKU-GIVE')).toBe(5);
  });

  it('records each reservation on its order, and forgets it once given back', async () => {
    await stock.take('SKU-TEN', 'order-f', 2);

    expect(await reservationItem('order-f', 'SKU-TEN')).toEqual({ pk: 'ORDER#order-f', sk: 'RESERVATION#SKU-TEN', sku: 'SKU-TEN', quantity: 2 });

    await stock.giveBack('SKU-TEN', 'order-f', 2);

    expect(await reservationItem('order-f', 'SKU-TEN')).toBeUndefined();
  });

  it('keeps the product item from growing: after many orders took and gave back, it names none of them', async () => {
    const orderIds = Array.from({ length: 60 }, (_, i) => `many-${i + 1}`);

    for (const orderId of orderIds) await expect(stock.take('SKU-MANY', orderId, 2)).resolves.toBe(true);
    for (const orderId of orderIds.slice(0, 20)) await stock.giveBack('SKU-MANY', orderId, 2);

    expect(await stockOf('SKU-MANY')).toBe(1000 - 40 * 2);
    await expectSettled('SKU-MANY');
    expect(await reservationItem('many-21', 'SKU-MANY')).toMatchObject({ quantity: 2 });
    expect(await reservationItem('many-20', 'SKU-MANY')).toBeUndefined();
  });

  describe('after a call that stopped half-way (it is called again on redelivery)', () => {
    it('finishes a take that took the stock but did not record it, taking nothing more', async () => {
      const before = await stockOf('SKU-CRASH');
      await stockTakenUnrecorded('SKU-CRASH', 'crash-1', 3);

      await expect(stock.take('SKU-CRASH', 'crash-1', 3)).resolves.toBe(true);

      expect(await stockOf('SKU-CRASH')).toBe(before - 3);
      expect(await reservationItem('crash-1', 'SKU-CRASH')).toMatchObject({ quantity: 3 });
      await expectSettled('SKU-CRASH');
    });

    it('finishes a take that recorded the reservation but did not clear its mark', async () => {
      const before = await stockOf('SKU-CRASH');
      await stockTakenUnrecorded('SKU-CRASH', 'crash-2', 2);
      await recordReservation('crash-2', 'SKU-CRASH', 2);

      await expect(stock.take('SKU-CRASH', 'crash-2', 2)).resolves.toBe(true);

      expect(await stockOf('SKU-CRASH')).toBe(before - 2);
      await expectSettled('SKU-CRASH');
    });

    it('gives back, once, what a take that stopped before recording it took', async () => {
      const before = await stockOf('SKU-CRASH');
      await stockTakenUnrecorded('SKU-CRASH', 'crash-3', 4);

      await stock.giveBack('SKU-CRASH', 'crash-3', 4);
      await stock.giveBack('SKU-CRASH', 'crash-3', 4);

      expect(await stockOf('SKU-CRASH')).toBe(before);
      await expectSettled('SKU-CRASH');
    });

    it('gives back, once, what a take that stopped before clearing its mark took', async () => {
      const before = await stockOf('SKU-CRASH');
      await stockTakenUnrecorded('SKU-CRASH', 'crash-4', 4);
      await recordReservation('crash-4', 'SKU-CRASH', 4);

      await stock.giveBack('SKU-CRASH', 'crash-4', 4);
      await stock.giveBack('SKU-CRASH', 'crash-4', 4);

      expect(await stockOf('SKU-CRASH')).toBe(before);
      expect(await reservationItem('crash-4', 'SKU-CRASH')).toBeUndefined();
      await expectSettled('SKU-CRASH');
    });

    it.each([
      ['the stock was returned', false],
      ['the reservation was forgotten too', true],
    ])('finishes a give-back that stopped after %s, returning nothing more', async (_label, forgotten) => {
      const orderId = `crash-give-${forgotten}`;
      const before = await stockOf('SKU-CRASH');
      await stock.take('SKU-CRASH', orderId, 5);
      await stockReturnedUnrecorded('SKU-CRASH', orderId, 5);
      if (forgotten) await forgetReservation(orderId, 'SKU-CRASH');

      await stock.giveBack('SKU-CRASH', orderId, 5);

      expect(await stockOf('SKU-CRASH')).toBe(before);
      expect(await reservationItem(orderId, 'SKU-CRASH')).toBeUndefined();
      await expectSettled('SKU-CRASH');
    });

    it.each([
      ['the stock was returned', false],
      ['the reservation was forgotten too', true],
    ])('takes again, once, after a give-back that stopped after %s', async (_label, forgotten) => {
      const orderId = `crash-retake-${forgotten}`;
      const before = await stockOf('SKU-CRASH');
      await stock.take('SKU-CRASH', orderId, 5);
      await stockReturnedUnrecorded('SKU-CRASH', orderId, 5);
      if (forgotten) await forgetReservation(orderId, 'SKU-CRASH');

      await expect(stock.take('SKU-CRASH', orderId, 5)).resolves.toBe(true);

      expect(await stockOf('SKU-CRASH')).toBe(before - 5);
      expect(await reservationItem(orderId, 'SKU-CRASH')).toMatchObject({ quantity: 5 });
      await expectSettled('SKU-CRASH');
    });

    it('takes again, once, after a give-back that stopped while a finished take had not cleared its mark', async () => {
      const before = await stockOf('SKU-CRASH');
      await stockTakenUnrecorded('SKU-CRASH', 'crash-both', 3);
      await recordReservation('crash-both', 'SKU-CRASH', 3);
      await stockReturnedUnrecorded('SKU-CRASH', 'crash-both', 3);

      await expect(stock.take('SKU-CRASH', 'crash-both', 3)).resolves.toBe(true);

      expect(await stockOf('SKU-CRASH')).toBe(before - 3);
      expect(await reservationItem('crash-both', 'SKU-CRASH')).toMatchObject({ quantity: 3 });
      await expectSettled('SKU-CRASH');
    });

    it('clears the mark of a finished give-back even when the stock is now short', async () => {
      await stock.take('SKU-ONE-LEFT', 'crash-short', 1);
      await stockReturnedUnrecorded('SKU-ONE-LEFT', 'crash-short', 1);
      await forgetReservation('crash-short', 'SKU-ONE-LEFT');
      await stock.take('SKU-ONE-LEFT', 'crash-other', 1);

      await expect(stock.take('SKU-ONE-LEFT', 'crash-short', 1)).resolves.toBe(false);

      expect(await stockOf('SKU-ONE-LEFT')).toBe(0);
      await expectSettled('SKU-ONE-LEFT');
    });
  });
});
