import { config } from '../lib/config';
import { NotFoundError } from '../lib/errors';
import { httpHandler } from '../lib/http/http-handler';
import { ok } from '../lib/http/http-result';
import { idFromPath } from '../lib/http/path-id';
import { importView } from '../lib/imports/import-record';
import { importStore } from '../lib/imports/import-store';

const imports = importStore(config().tableName);

export const handler = httpHandler(async (event) => {
  const record = await imports.get(idFromPath(event.pathParameters?.importId, 'Import'));
  if (!record || record.customerId !== event.customerId) throw new NotFoundError('Import');
  return ok(importView(record));
});
