import { Readable } from 'node:stream';
import type { S3Event } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type * as ImportOrdersModule from '../../../handlers/import-orders';
import type { ImportRecord } from '../../../lib/imports/import-record';
import type { ImportStore } from '../../../lib/imports/import-store';
import type { OrderStore } from '../../../lib/orders/order-store';
import { countItems, isOrderItem, seedCatalog, startDynalite, type TestTable } from '../../support/dynalite';
import { fixture, fixtureText, SAMPLE } from '../../support/events';
import { lambdaContext } from '../../support/lambda-context';
import { stubOrderEventPublishing } from '../../support/order-events';

const publishing = stubOrderEventPublishing();
const s3 = mockClient(S3Client);
let table: TestTable;
let handler: typeof ImportOrdersModule.handler;
let imports: ImportStore;
let orders: OrderStore;

beforeAll(async () => {
  table = await startDynalite();
  await seedCatalog(table);
  ({ handler } = await import('../../../handlers/import-orders'));
  imports = (await import('../../../lib/imports/import-store')).importStore(table.tableName);
  orders = (await import('../../../lib/orders/order-store')).orderStore(table.tableName);
});
beforeEach(() => {
  publishing.reset();
  s3.reset();
});
afterAll(async () => {
  publishing.restore();
  s3.restore();
  await table.close();
});

const invoke = (event: S3Event) => handler(event, lambdaContext('importOrders'));
const csvObject = (text: string) => ({ Body: Readable.from([text]) as never, ContentType: 'text/csv' });

async function openImport(importId: string): Promise<void> {
  const record: ImportRecord = {
    importId,
    customerId: SAMPLE.customerId,
    status: 'PENDING',
    correlationId: SAMPLE.correlationId,
    createdAt: '2026-11-22T10:00:00.000Z',
    acceptedRows: 0,
    rejectedRows: 0,
    orderIds: [],
    errors: [],
  };
  await imports.create(record);
}

function uploadOf(importId: string, size?: number): S3Event {
  const event = fixture<S3Event>('importOrders');
  event.Records[0].s3.object.key = `incoming/${importId}.csv`;
  if (size !== undefined) event.Records[0].s3.object.size = size;
  return event;
}

describe('importOrders (S3 ObjectCreated on incoming/*.csv)', () => {
  it('reads the uploaded CSV of the sample event, places an order per valid row and records row errors', async () => {
    // Arrange
    await openImport(SAMPLE.importId);
    s3.on(GetObjectCommand).resolves(csvObject(fixtureText('importOrders.csv')));

    // Act
    await invoke(fixture('importOrders'));

    // Assert
    expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: 'orderflow-local-imports', Key: `incoming/${SAMPLE.importId}.csv` },
    ]);
    const record = await imports.get(SAMPLE.importId);
    expect(record).toMatchObject({
      status: 'COMPLETED',
      acceptedRows: 2,
      rejectedRows: 3,
      errors: [
        { row: 3, code: 'UNKNOWN_SKU', message: 'These products are not in the catalog: SKU-404.' },
        { row: 4, code: 'VALIDATION_FAILED', message: 'quantity must be at least 1' },
        { row: 5, code: 'MALFORMED_ROW', message: 'The row has a broken quoted field.' },
      ],
    });
    const placed = await Promise.all(record!.orderIds.map((orderId) => orders.get(orderId)));
    expect(placed.map((order) => [order?.customerId, order?.items[0].sku, order?.paymentToken])).toEqual([
      [SAMPLE.customerId, 'SKU-1', 'tok_visa'],
      [SAMPLE.customerId, 'SKU-2', 'tok_declined'],
    ]);
    // Only the table is written: the outbox publishes each order's OrderPlaced from its stream.
    expect(placed.map((order) => order?.correlationId)).toEqual([SAMPLE.correlationId, SAMPLE.correlationId]);
    expect(publishing.calls()).toBe(0);
  });

  it('does nothing for a redelivered notification of an import already processed', async () => {
    const before = await countItems(table, isOrderItem);

    await invoke(fixture('importOrders'));

    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(await countItems(table, isOrderItem)).toBe(before);
  });

  it('creates nothing twice when an interrupted import is processed again', async () => {
    const importId = '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d51';
    await openImport(importId);
    const csv = 'sku,quantity,paymentToken\nSKU-1,1,tok_visa\nSKU-2,1,tok_visa\n';
    // The first attempt stops at the second row's order (after storing the first row's).
    s3.on(GetObjectCommand).callsFake(async () => csvObject(csv));
    const { dynamo } = await import('../../../lib/aws/dynamodb');
    const send = dynamo.send.bind(dynamo);
    let orderPuts = 0;
    const unavailable = jest
      .spyOn(dynamo, 'send')
      .mockImplementation(((command: { input: { Item?: { sk?: string } } }) =>
        command.input.Item?.sk === 'ORDER' && ++orderPuts === 2 ? Promise.reject(new Error('DynamoDB unavailable')) : send(command as never)) as never);
    await expect(invoke(uploadOf(importId))).rejects.toThrow('DynamoDB unavailable');
    const afterFirst = await countItems(table, isOrderItem);
    unavailable.mockRestore();

    await invoke(uploadOf(importId));

    expect(await countItems(table, isOrderItem)).toBe(afterFirst + 1);
    await expect(imports.get(importId)).resolves.toMatchObject({ status: 'COMPLETED', acceptedRows: 2, rejectedRows: 0 });
  });

  it('records a file over the size limit as an error without reading it', async () => {
    const importId = '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e62';
    await openImport(importId);

    await invoke(uploadOf(importId, 1024 * 1024 + 1));

    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    await expect(imports.get(importId)).resolves.toMatchObject({
      status: 'COMPLETED',
      acceptedRows: 0,
      errors: [{ row: 0, code: 'FILE_TOO_LARGE', message: 'The file exceeds 1048576 bytes.' }],
    });
  });

  it('records a wrong header as the import error', async () => {
    const importId = '3d4e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f73';
    await openImport(importId);
    s3.on(GetObjectCommand).resolves(csvObject('product,count,token\nSKU-1,1,tok_visa\n'));

    await invoke(uploadOf(importId));

    await expect(imports.get(importId)).resolves.toMatchObject({ status: 'COMPLETED', acceptedRows: 0, errors: [{ row: 0, code: 'INVALID_HEADER' }] });
  });

  it('throws for an object that matches no import, so it ends in the on-failure destination', async () => {
    await expect(invoke(fixture('importOrders.unknown-key'))).rejects.toThrow('No import matches the uploaded object incoming/not-an-import.csv');
    await expect(invoke(uploadOf('4e5f6a7b-8c9d-4e0f-9a1b-3c4d5e6f7a84'))).rejects.toThrow('No import matches');
  });

  it('throws when the object cannot be read, leaving the import PENDING for the retry', async () => {
    const importId = '5f6a7b8c-9d0e-4f1a-8b2c-4d5e6f7a8b95';
    await openImport(importId);
    s3.on(GetObjectCommand).rejects(new Error('NoSuchKey'));

    await expect(invoke(uploadOf(importId))).rejects.toThrow('NoSuchKey');
    await expect(imports.get(importId)).resolves.toMatchObject({ status: 'PENDING' });
  });

  it('decodes the URL-encoded key S3 puts in the event', async () => {
    const importId = '6a7b8c9d-0e1f-4a2b-9c3d-5e6f7a8b9ca6';
    await openImport(importId);
    s3.on(GetObjectCommand).resolves(csvObject('sku,quantity,paymentToken\n'));
    const event = uploadOf(importId);
    event.Records[0].s3.object.key = `incoming%2F${importId}.csv`;

    await invoke(event);

    expect(s3.commandCalls(GetObjectCommand)[0].args[0].input.Key).toBe(`incoming/${importId}.csv`);
  });
});
