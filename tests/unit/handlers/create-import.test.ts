import type * as CreateImportModule from '../../../handlers/create-import';
import type { ImportStore } from '../../../lib/imports/import-store';
import { startDynalite, type TestTable } from '../../support/dynalite';
import { httpEvent, invokeHttp, SAMPLE } from '../../support/events';
import { lambdaContext } from '../../support/lambda-context';

let table: TestTable;
let handler: typeof CreateImportModule.handler;
let imports: ImportStore;

beforeAll(async () => {
  table = await startDynalite();
  ({ handler } = await import('../../../handlers/create-import'));
  imports = (await import('../../../lib/imports/import-store')).importStore(table.tableName);
});
afterAll(() => table.close());

const post = () => invokeHttp(handler, httpEvent('createImport'), lambdaContext('createImport'));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('POST /imports (createImport)', () => {
  it('answers 201 with an import id, a presigned PUT URL for incoming/<id>.csv and when it expires', async () => {
    const before = Date.now();

    const answer = await post();

    expect(answer.status).toBe(201);
    expect(Object.keys(answer.body).sort()).toEqual(['expiresAt', 'importId', 'uploadUrl']);
    expect(answer.body.importId).toMatch(UUID);
    const url = new URL(answer.body.uploadUrl);
    expect(`${url.hostname}${url.pathname}`).toContain('orderflow-test-imports');
    expect(url.pathname.endsWith(`/incoming/${answer.body.importId}.csv`)).toBe(true);
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const expiresAt = Date.parse(answer.body.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 300_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 300_000);
  });

  it('signs the content type, so the upload must be text/csv', async () => {
    const url = new URL((await post()).body.uploadUrl);

    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain('content-type');
  });

  it('signs no checksum of an empty body into the URL', async () => {
    const url = new URL((await post()).body.uploadUrl);

    expect([...url.searchParams.keys()].filter((key) => key.toLowerCase().includes('checksum'))).toEqual([]);
  });

  it('opens a PENDING import for the caller', async () => {
    const answer = await post();

    await expect(imports.get(answer.body.importId)).resolves.toMatchObject({
      importId: answer.body.importId,
      customerId: SAMPLE.customerId,
      status: 'PENDING',
      acceptedRows: 0,
      rejectedRows: 0,
      orderIds: [],
      errors: [],
    });
  });

  it('opens a new import on every call', async () => {
    const [first, second] = [await post(), await post()];

    expect(first.body.importId).not.toBe(second.body.importId);
  });
});
