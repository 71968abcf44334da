import { Readable } from 'node:stream';
import type * as ImportOrdersModule from '../../../../lib/imports/import-orders';
import type { ImportOrdersDeps } from '../../../../lib/imports/import-orders';
import type { ImportRecord } from '../../../../lib/imports/import-record';
import type { ImportStore } from '../../../../lib/imports/import-store';
import type { OrderStore } from '../../../../lib/orders/order-store';
import { countItems, isOrderItem, seedCatalog, startDynalite, type TestTable } from '../../../support/dynalite';
import { manualClock, sequentialIds } from '../../../support/fakes';

let table: TestTable;
let importOrders: typeof ImportOrdersModule.importOrders;
let imports: ImportStore;
let orders: OrderStore;
let makeDeps: () => ImportOrdersDeps;

beforeAll(async () => {
  table = await startDynalite();
  await seedCatalog(table);
  ({ importOrders } = await import('../../../../lib/imports/import-orders'));
  imports = (await import('../../../../lib/imports/import-store')).importStore(table.tableName);
  orders = (await import('../../../../lib/orders/order-store')).orderStore(table.tableName);
  const catalog = (await import('../../../../lib/catalog/catalog-store')).catalogStore(table.tableName);
  const newId = sequentialIds('imported');
  makeDeps = () => ({ imports, catalog, orders, clock: manualClock('2026-11-22T10:01:00.000Z'), newId });
});
afterAll(() => table.close());

const CUSTOMER = '8d2f4b1e-6c3a-4f7d-9b2e-1a5c3e7f9d01';

async function openImport(importId: string): Promise<ImportRecord> {
  const record: ImportRecord = {
    importId,
    customerId: CUSTOMER,
    status: 'PENDING',
    correlationId: `corr-${importId}`,
    createdAt: '2026-11-22T10:00:00.000Z',
    acceptedRows: 0,
    rejectedRows: 0,
    orderIds: [],
    errors: [],
  };
  await imports.create(record);
  return record;
}

const csv = (...lines: string[]) => Readable.from([lines.join('\n') + '\n']);

describe('importOrders', () => {
  it('places one single-item order per good row, as POST /orders would', async () => {
    const record = await openImport('import-good');
    const deps = makeDeps();

    const outcome = await importOrders(deps, record, csv('sku,quantity,paymentToken', 'SKU-1,2,tok_visa', 'SKU-2,1,tok_declined'));

    expect(outcome).toEqual({ orderIds: [expect.any(String), expect.any(String)], errors: [], rejectedRows: 0 });
    const [first, second] = await Promise.all(outcome.orderIds.map((orderId) => orders.get(orderId)));
    expect(first).toMatchObject({
      customerId: CUSTOMER,
      status: 'PENDING',
      items: [{ sku: 'SKU-1', quantity: 2, unitPriceCents: 2499 }],
      totalCents: 4998,
      paymentToken: 'tok_visa',
      correlationId: 'corr-import-good',
    });
    expect(second).toMatchObject({ items: [{ sku: 'SKU-2', quantity: 1, unitPriceCents: 3450 }], paymentToken: 'tok_declined' });
    await expect(imports.get('import-good')).resolves.toMatchObject({
      status: 'COMPLETED',
      acceptedRows: 2,
      rejectedRows: 0,
      orderIds: outcome.orderIds,
      errors: [],
    });
  });

  it('records an error per bad row, numbered from the first data row, and accepts the good ones', async () => {
    const record = await openImport('import-mixed');
    const before = await countItems(table, isOrderItem);

    const outcome = await importOrders(
      makeDeps(),
      record,
      csv(
        'sku,quantity,paymentToken',
        'SKU-1,1,tok_visa', // 1 good
        'SKU-404,1,tok_visa', // 2 unknown SKU
        'SKU-1,0,tok_visa', // 3 quantity 0
        'SKU-1,two,tok_visa', // 4 quantity not a number
        'SKU-1,1.5,tok_visa', // 5 fractional quantity
        'SKU-1,1,tok_amex', // 6 bad token
        'sku 1,1,tok_visa', // 7 bad SKU
        'SKU-1,1', // 8 too few columns
        '', // (empty line, not a row)
        'SKU-3,3,tok_flaky_2', // 9 good
      ),
    );

    expect(outcome.orderIds).toHaveLength(2);
    expect(outcome.rejectedRows).toBe(7);
    expect(outcome.errors).toEqual([
      { row: 2, code: 'UNKNOWN_SKU', message: 'These products are not in the catalog: SKU-404.' },
      { row: 3, code: 'VALIDATION_FAILED', message: 'quantity must be at least 1' },
      { row: 4, code: 'VALIDATION_FAILED', message: 'quantity must be a number' },
      { row: 5, code: 'VALIDATION_FAILED', message: 'quantity must be a whole number' },
      { row: 6, code: 'VALIDATION_FAILED', message: 'paymentToken must be tok_visa, tok_declined or tok_flaky_<n>' },
      { row: 7, code: 'VALIDATION_FAILED', message: 'sku must be a SKU such as "SKU-1"' },
      { row: 8, code: 'MALFORMED_ROW', message: 'The row must have 3 columns: sku, quantity, paymentToken.' },
    ]);
    expect(await countItems(table, isOrderItem)).toBe(before + 2);
    await expect(imports.get('import-mixed')).resolves.toMatchObject({ status: 'COMPLETED', acceptedRows: 2, rejectedRows: 7 });
  });

  it('rejects each line with broken quoting once, and places the good rows after it', async () => {
    const record = await openImport('import-quotes');
    const before = await countItems(table, isOrderItem);

    const outcome = await importOrders(
      makeDeps(),
      record,
      csv(
        'sku,quantity,paymentToken',
        'SKU-1,2"x",tok_visa', // 1 stray quote
        'SKU-1,1,tok_visa', // 2 good
        'SKU-2,"1",tok_visa"', // 3 stray quote at the end
        'SKU-2,"1"x,tok_visa', // 4 text after a closing quote
        'SKU-2,1,tok_visa', // 5 good
        'SKU-3,"1,tok_visa', // 6 quote never closed
        'SKU-3,1,tok_visa', // 7 good
        'SKU-4,-2,tok_visa', // 8 negative quantity
      ),
    );

    const quoting = { code: 'MALFORMED_ROW', message: 'The row has a broken quoted field.' };
    expect(outcome.errors).toEqual([
      { row: 1, ...quoting },
      { row: 3, ...quoting },
      { row: 4, ...quoting },
      { row: 6, ...quoting },
      { row: 8, code: 'VALIDATION_FAILED', message: 'quantity must be at least 1' },
    ]);
    expect(outcome.rejectedRows).toBe(5);
    expect(outcome.orderIds).toHaveLength(3);
    expect(await countItems(table, isOrderItem)).toBe(before + 3);
    await expect(imports.get('import-quotes')).resolves.toMatchObject({ status: 'COMPLETED', acceptedRows: 3, rejectedRows: 5 });
  });

  it('creates nothing twice when the same upload is processed again', async () => {
    const record = await openImport('import-redelivered');
    const text = ['sku,quantity,paymentToken', 'SKU-1,1,tok_visa', 'SKU-404,1,tok_visa', 'SKU-2,2,tok_visa'];
    const first = await importOrders(makeDeps(), record, csv(...text));
    const before = await countItems(table, isOrderItem);

    const second = await importOrders(makeDeps(), record, csv(...text));

    expect(second).toEqual(first);
    expect(await countItems(table, isOrderItem)).toBe(before);
    await expect(imports.get('import-redelivered')).resolves.toMatchObject({ acceptedRows: 2, rejectedRows: 1, orderIds: first.orderIds });
  });

  it('records a wrong header as one import error and places nothing', async () => {
    const record = await openImport('import-bad-header');
    const before = await countItems(table, isOrderItem);

    const outcome = await importOrders(makeDeps(), record, csv('sku;quantity;paymentToken', 'SKU-1;1;tok_visa'));

    expect(outcome).toEqual({
      orderIds: [],
      rejectedRows: 0,
      errors: [{ row: 0, code: 'INVALID_HEADER', message: 'The header must be "sku,quantity,paymentToken", found "sku;quantity;paymentToken".' }],
    });
    expect(await countItems(table, isOrderItem)).toBe(before);
    await expect(imports.get('import-bad-header')).resolves.toMatchObject({ status: 'COMPLETED', acceptedRows: 0, errors: outcome.errors });
  });

  it('completes an empty import', async () => {
    const record = await openImport('import-empty');

    await expect(importOrders(makeDeps(), record, csv('sku,quantity,paymentToken'))).resolves.toEqual({ orderIds: [], errors: [], rejectedRows: 0 });
    await expect(imports.get('import-empty')).resolves.toMatchObject({ status: 'COMPLETED', acceptedRows: 0, rejectedRows: 0 });
  });

  it('lets an infrastructure failure fail the whole upload (so it is retried) without completing the import', async () => {
    const record = await openImport('import-infra');
    const deps = makeDeps();
    deps.orders = {
      create: async () => {
        throw new Error('DynamoDB is down');
      },
    };

    await expect(importOrders(deps, record, csv('sku,quantity,paymentToken', 'SKU-1,1,tok_visa'))).rejects.toThrow('DynamoDB is down');
    await expect(imports.get('import-infra')).resolves.toMatchObject({ status: 'PENDING' });
  });
});
