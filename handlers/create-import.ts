import { randomUUID } from 'node:crypto';
import { systemClock } from '../lib/clock';
import { config } from '../lib/config';
import { httpHandler } from '../lib/http/http-handler';
import { createImport } from '../lib/imports/create-import';
import { importStore } from '../lib/imports/import-store';

const { tableName, importsBucket, uploadUrlTtlSeconds } = config();
const deps = {
  imports: importStore(tableName),
  bucket: importsBucket,
  uploadUrlTtlSeconds,
  clock: systemClock,
  newId: randomUUID,
};

export const handler = httpHandler(async (event) => ({
  status: 201,
  body: await createImport(deps, event.customerId, event.correlationId),
}));
