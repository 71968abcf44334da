import { GetCommand } from '@aws-sdk/lib-dynamodb';
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
  ]);
  stock = (await import('../../../../lib/inventory/stock-store')).stockStore(table.tableName);
});
afterAll(() => table.close());

const stockOf = async (sku: string) =>
  (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'CATALOG', sk: sku }, ConsistentRead: true }))).Item?.stock;

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
});
