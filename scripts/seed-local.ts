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
import { loadConfig } from '../lib/config';
import { importObjectKey, type ImportRecord } from '../lib/imports/import-record';
import { stockStore } from '../lib/inventory/stock-store';
import type { Order } from '../lib/orders/order';
import { orderStore } from '../lib/orders/order-store';
import { paymentLedger } from '../lib/payments/ledger';
import { pushStore } from '../lib/push/push-store';
import type { LocalCloudSeedContext } from '../offline/cloud/provision/seed-module';

/** Puts an item unless one with its key is there; resolves to whether it wrote. */
const putOnce =
  (TableName: string) =>
  (Item: Record<string, unknown>): Promise<boolean> =>
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
  await seedSamples(join(serviceDir, 'events'), put, environment.IMPORTS_BUCKET, environment.TABLE_NAME);
}

/**
 * The orders and the import that the sample events in events/ refer to, so that
 * `sls invoke local -f <fn> -p events/<fn>.json` finds them in the state its work starts from:
 * processPayment's order PENDING, reserveInventory's and publishOrderEvents' PAID with its charge
 * captured, notifyCustomer's CONFIRMED. The ids are read from the events themselves: they stay the one place those ids are written.
 * The local cloud starts the orders table's stream consumers (the outbox) after these writes, so no
 * event is published for them: each waits for its sample event.
 */
async function seedSamples(
  eventsDir: string,
  put: (item: Record<string, unknown>) => Promise<boolean>,
  importsBucket: string,
  tableName: string,
): Promise<void> {
  const readEvent = (name: string) => JSON.parse(readFileSync(join(eventsDir, name), 'utf8'));
  const orderIdIn = (name: string): string => JSON.parse(readEvent(name).Records[0].Sns.Message).orderId;
  const getOrder = readEvent('getOrder.json');
  const getImport = readEvent('getImport.json');
  const customerId: string = getOrder.requestContext.authorizer.lambda.customerId;
  const now = new Date();
  const pending = (orderId: string): Order => ({
    orderId,
    customerId,
    status: 'PENDING',
    items: [
      { sku: 'SKU-1', quantity: 2, unitPriceCents: 2499 },
      { sku: 'SKU-3', quantity: 1, unitPriceCents: 599 },
    ],
    totalCents: 5597,
    currency: 'EUR',
    paymentToken: 'tok_visa',
    history: [{ status: 'PENDING', at: now.toISOString() }],
    correlationId: 'sample-events',
    createdAt: now.toISOString(),
    version: 1,
  });
  const record: ImportRecord = {
    importId: getImport.pathParameters.importId,
    customerId,
    status: 'PENDING',
    correlationId: 'sample-events',
    createdAt: now.toISOString(),
    acceptedRows: 0,
    rejectedRows: 0,
    orderIds: [],
    errors: [],
  };
  // Not filed in the expiry sweep's index (as an order the API creates is): each waits for its sample event.
  const putOrder = (order: Order) => put({ pk: `ORDER#${order.orderId}`, sk: 'ORDER', ...order });
  await putOrder(pending(getOrder.pathParameters.orderId));

  // Moved on as processPayment and reserveInventory move an order, with their effects, when first seeded.
  const orders = orderStore(tableName);
  const ledger = paymentLedger(tableName);
  const paid = async (orderId: string): Promise<Order | undefined> => {
    if (!(await putOrder(pending(orderId)))) return undefined;
    await ledger.beginAttempt(orderId);
    const moved = await orders.transitionWith(pending(orderId), 'PAID', now, ledger.captureWrite(orderId, `ch_sample_${orderId.slice(0, 8)}`));
    if (moved.outcome !== 'CHANGED') throw new Error(`The sample order ${orderId} could not be marked PAID (${moved.outcome})`);
    return moved.order;
  };
  await paid(orderIdIn('reserveInventory.json'));
  // publishOrderEvents.json publishes this one's OrderPlaced and OrderPaid, and the chain confirms it.
  await paid(readEvent('publishOrderEvents.json').Records[0].dynamodb.NewImage.orderId.S);
  const confirmedSample = await paid(orderIdIn('notifyCustomer.json'));
  if (confirmedSample) {
    const reservation = await stockStore(tableName).reserveAndConfirm(confirmedSample, now);
    if (reservation.outcome !== 'CONFIRMED') throw new Error(`The sample order ${confirmedSample.orderId} could not be confirmed (${reservation.outcome})`);
  }

  // The WebSocket connection wsSubscribe.json subscribes from, open as wsConnect.json opens it (no client
  // listens on it: a push to it finds it gone and removes it).
  const connectionId: string = readEvent('wsSubscribe.json').requestContext.connectionId;
  await pushStore(tableName, loadConfig(process.env).websocketConnectionTtlSeconds).saveConnection(connectionId, customerId, now);

  if (await put({ pk: `IMPORT#${record.importId}`, sk: 'IMPORT', ...record })) {
    // Uploading it fires the S3 trigger, as a customer's upload would.
    await s3.send(
      new PutObjectCommand({
        Bucket: importsBucket,
        Key: importObjectKey(record.importId),
        Body: readFileSync(join(eventsDir, 'importOrders.csv')),
        ContentType: 'text/csv',
      }),
    );
  }
}
