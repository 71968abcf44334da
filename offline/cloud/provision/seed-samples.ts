import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { ImportRecord } from '../../../lib/imports/import-record';
import { importObjectKey } from '../../../lib/imports/import-record';
import type { Order } from '../../../lib/orders/order';
import type { LocalClients } from './clients';
import { putOnce } from './seed';

/**
 * The order and the import that the sample events in events/ refer to, so that
 * `sls invoke local -f <fn> -p events/<fn>.json` finds them in the local cloud. The ids are read
 * from the events themselves: they stay the one place those ids are written.
 */
export async function seedSamples(eventsDir: string, tableName: string, importsBucket: string, clients: LocalClients): Promise<void> {
  const readEvent = (name: string) => JSON.parse(readFileSync(join(eventsDir, name), 'utf8'));
  const getOrder = readEvent('getOrder.json');
  const getImport = readEvent('getImport.json');
  const customerId: string = getOrder.requestContext.authorizer.lambda.customerId;
  const now = new Date().toISOString();
  const order: Order = {
    orderId: getOrder.pathParameters.orderId,
    customerId,
    status: 'PENDING',
    items: [
      { sku: 'SKU-1', quantity: 2, unitPriceCents: 2499 },
      { sku: 'SKU-3', quantity: 1, unitPriceCents: 599 },
    ],
    totalCents: 5597,
    currency: 'EUR',
    paymentToken: 'tok_visa',
    history: [{ status: 'PENDING', at: now }],
    correlationId: 'sample-events',
    createdAt: now,
    version: 1,
  };
  const record: ImportRecord = {
    importId: getImport.pathParameters.importId,
    customerId,
    status: 'PENDING',
    correlationId: 'sample-events',
    createdAt: now,
    acceptedRows: 0,
    rejectedRows: 0,
    orderIds: [],
    errors: [],
  };
  const put = putOnce(tableName, clients);
  await put({ pk: `ORDER#${order.orderId}`, sk: 'ORDER', ...order });
  if (await put({ pk: `IMPORT#${record.importId}`, sk: 'IMPORT', ...record })) {
    // Uploading it fires the S3 trigger, as a customer's upload would.
    await clients.s3.send(
      new PutObjectCommand({ Bucket: importsBucket, Key: importObjectKey(record.importId), Body: readFileSync(join(eventsDir, 'importOrders.csv')), ContentType: 'text/csv' }),
    );
  }
}
