import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { systemClock } from '../lib/clock';
import { s3 } from '../lib/aws/s3';
import { catalogStore } from '../lib/catalog/catalog-store';
import { config } from '../lib/config';
import { importIdFromKey } from '../lib/imports/import-record';
import { importOrders } from '../lib/imports/import-orders';
import { importStore } from '../lib/imports/import-store';
import { logger } from '../lib/logger';
import { countingOrderChanges } from '../lib/metrics';
import { orderStore } from '../lib/orders/order-store';
import { eventHandler } from '../lib/triggers/event-handler';

const { tableName, maxImportBytes } = config();
const imports = importStore(tableName);
const deps = {
  imports,
  catalog: catalogStore(tableName),
  orders: countingOrderChanges(orderStore(tableName)),
  clock: systemClock,
  newId: randomUUID,
};

/** S3 ObjectCreated on incoming/*.csv: one order per valid row, row errors on the import. */
export const handler = eventHandler<S3Event>(async (event) => {
  for (const record of event.Records) {
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const importId = importIdFromKey(key);
    const existing = importId ? await imports.get(importId) : undefined;
    if (!existing) throw new Error(`No import matches the uploaded object ${key}`);
    logger.setCorrelationId(existing.correlationId);
    if (existing.status === 'COMPLETED') {
      logger.info('import already processed', { importId });
      continue;
    }
    if (record.s3.object.size > maxImportBytes) {
      await imports.complete(existing.importId, {
        orderIds: [],
        rejectedRows: 0,
        errors: [{ row: 0, code: 'FILE_TOO_LARGE', message: `The file exceeds ${maxImportBytes} bytes.` }],
      });
      continue;
    }
    const object = await s3.send(new GetObjectCommand({ Bucket: record.s3.bucket.name, Key: key }));
    const outcome = await importOrders(deps, existing, object.Body as Readable);
    logger.info('import processed', { importId, accepted: outcome.orderIds.length, rejected: outcome.rejectedRows });
  }
});
