import { PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3 } from '../aws/s3';
import { importObjectKey, type ImportRecord } from './import-record';
import type { ImportStore } from './import-store';

export type CreateImportDeps = {
  imports: Pick<ImportStore, 'create'>;
  bucket: string;
  uploadUrlTtlSeconds: number;
  clock: () => Date;
  newId: () => string;
};

/** Opens an import: its record, and a short-lived URL to PUT the CSV (text/csv) to. */
export async function createImport(deps: CreateImportDeps, customerId: string, correlationId: string) {
  const now = deps.clock();
  const record: ImportRecord = {
    importId: deps.newId(),
    customerId,
    status: 'PENDING',
    correlationId,
    createdAt: now.toISOString(),
    acceptedRows: 0,
    rejectedRows: 0,
    orderIds: [],
    errors: [],
  };
  await deps.imports.create(record);
  const uploadUrl = await getSignedUrl(
    s3,
    new PutObjectCommand({ Bucket: deps.bucket, Key: importObjectKey(record.importId), ContentType: 'text/csv' }),
    // Content-Type is signed, so the upload must say text/csv.
    { expiresIn: deps.uploadUrlTtlSeconds, signableHeaders: new Set(['content-type']) },
  );
  const expiresAt = new Date(now.getTime() + deps.uploadUrlTtlSeconds * 1000).toISOString();
  return { importId: record.importId, uploadUrl, expiresAt };
}
