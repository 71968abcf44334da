// orderflow's seed for the local cloud (custom.localCloud.seed in serverless.yml): run once after the
// resources are created, with the SDK pointed at the local cloud. Idempotent: containers outlive
// restarts, and what a developer changed since stays.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../lib/aws/conditional';
import { dynamo } from '../lib/aws/dynamodb';
import { s3 } from '../lib/aws/s3';
import { productKey } from '../lib/catalog/catalog-store';
import { SAMPLE_CATALOG } from '../lib/catalog/sample-catalog';
import { importObjectKey, type ImportRecord } from '../lib/imports/import-record';
import type { Order } from '../lib/orders/order';
import type { LocalCloudSeedContext } from '../offline/cloud/provision/seed-module';

/** Puts an item unless one with its key is there; resolves to whether it wrote. */
const putOnce = (TableName: string) => (Item: Record<string, unknown>): Promise<boolean> =>
  dynamo.send(new PutCommand({ TableName, Item, ConditionExpression: 'attribute_not_exists(pk)' })).then(
    () => true,
    (error) => {
      if (!isConditionFailure(error)) throw error;
      return false;
    },
  );

export async function seed({ environment, serviceDir }: LocalCloudSeedContext): Promise<void> {
  const put = putOnce(environment.TABLE_NAME);
  await Promise.all(SAMPLE_CATALOG.map((product) => put({ ...productKey(product.sku), ...product })));
  await seedSamples(join(serviceDir, 'events'), put, environment.IMPORTS_BUCKET);
}

/**
 * The order and the import that the sample events in events/ refer to, so that
 * `sls invoke local -f <fn> -p events/<fn>.json` finds them. The ids are read from the events
 * themselves: they stay the one place those ids are written.
 */
async function seedSamples(eventsDir: string, put: (item: Record<string, unknown>) => Promise<boolean>, importsBucket: string): Promise<void> {
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
  await put({ pk: `ORDER#${order.orderId}`, sk: 'ORDER', ...order });
  if (await put({ pk: `IMPORT#${record.importId}`, sk: 'IMPORT', ...record })) {
    // Uploading it fires the S3 trigger, as a customer's upload would.
    await s3.send(
      new PutObjectCommand({ Bucket: importsBucket, Key: importObjectKey(record.importId), Body: readFileSync(join(eventsDir, 'importOrders.csv')), ContentType: 'text/csv' }),
    );
  }
}
