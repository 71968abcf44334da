import type { dynamo as DynamoClient } from '../../../lib/aws/dynamodb';
import type * as GetImportModule from '../../../handlers/get-import';
import type { ImportRecord } from '../../../lib/imports/import-record';
import { startDynalite, type TestTable } from '../../support/dynalite';
import { expectErrorShape, httpEvent, invokeHttp, SAMPLE } from '../../support/events';
import { lambdaContext } from '../../support/lambda-context';

const PENDING_IMPORT = '8c2f1d5e-3a4b-4c6d-8e7f-9a8b7c6d5e01';
const THEIR_IMPORT = '8c2f1d5e-3a4b-4c6d-8e7f-9a8b7c6d5e02';
const NO_SUCH_IMPORT = '8c2f1d5e-3a4b-4c6d-8e7f-9a8b7c6d5e03';

let table: TestTable;
let dynamo: typeof DynamoClient;
let handler: typeof GetImportModule.handler;

const record = (importId: string, customerId: string): ImportRecord => ({
  importId,
  customerId,
  status: 'PENDING',
  correlationId: SAMPLE.correlationId,
  createdAt: '2026-11-22T10:00:00.000Z',
  acceptedRows: 0,
  rejectedRows: 0,
  orderIds: [],
  errors: [],
});

beforeAll(async () => {
  table = await startDynalite();
  ({ dynamo } = await import('../../../lib/aws/dynamodb'));
  ({ handler } = await import('../../../handlers/get-import'));
  const imports = (await import('../../../lib/imports/import-store')).importStore(table.tableName);
  await imports.create(record(SAMPLE.importId, SAMPLE.customerId));
  await imports.complete(SAMPLE.importId, {
    orderIds: ['5d0c1f7e-2a3b-4c4d-9e5f-6a7b8c9d0e11'],
    rejectedRows: 1,
    errors: [{ row: 2, code: 'UNKNOWN_SKU', message: 'These products are not in the catalog: SKU-404.' }],
  });
  await imports.create(record(PENDING_IMPORT, SAMPLE.customerId));
  await imports.create(record(THEIR_IMPORT, 'another-customer'));
});
afterAll(() => table.close());
afterEach(() => jest.restoreAllMocks());

const get = (event = httpEvent('getImport')) => invokeHttp(handler, event, lambdaContext('getImport'));

describe('GET /imports/{importId} (getImport)', () => {
  it("answers 200 with the import's result", async () => {
    const answer = await get();

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      importId: SAMPLE.importId,
      status: 'COMPLETED',
      acceptedRows: 1,
      rejectedRows: 1,
      orderIds: ['5d0c1f7e-2a3b-4c4d-9e5f-6a7b8c9d0e11'],
      errors: [{ row: 2, code: 'UNKNOWN_SKU', message: 'These products are not in the catalog: SKU-404.' }],
    });
  });

  it('answers 200 PENDING before the upload was processed', async () => {
    const answer = await get(httpEvent('getImport', { pathParameters: { importId: PENDING_IMPORT } }));

    expect(answer.body).toMatchObject({ status: 'PENDING', acceptedRows: 0, rejectedRows: 0, orderIds: [], errors: [] });
  });

  it('answers 404 NOT_FOUND for an import that does not exist', async () => {
    const answer = await get(httpEvent('getImport', { pathParameters: { importId: '00000000-0000-4000-8000-000000000000' } }));

    expectErrorShape(answer, 404, 'NOT_FOUND');
    expect(answer.body.error.message).toBe('Import was not found.');
  });

  it("answers another customer's import exactly like a missing one", async () => {
    const theirs = await get(httpEvent('getImport', { pathParameters: { importId: THEIR_IMPORT } }));
    const mineSeenByThem = await get(httpEvent('getImport', { customerId: 'another-customer' }));
    const missing = await get(httpEvent('getImport', { pathParameters: { importId: NO_SUCH_IMPORT } }));

    expectErrorShape(theirs, 404, 'NOT_FOUND');
    expectErrorShape(mineSeenByThem, 404, 'NOT_FOUND');
    expect(theirs.body).toEqual(missing.body);
  });

  it.each([
    ['longer than a DynamoDB key may be', 'a'.repeat(3000)],
    ['not shaped like a UUID', 'not-an-id'],
    ['a UUID with something after it', `${NO_SUCH_IMPORT}/x`],
  ])('answers 404 NOT_FOUND, without reading the table, for an id %s', async (_label, id) => {
    const reads = jest.spyOn(dynamo, 'send');

    const answer = await get(httpEvent('getImport', { pathParameters: { importId: id } }));

    expectErrorShape(answer, 404, 'NOT_FOUND');
    expect(answer.body.error.message).toBe('Import was not found.');
    expect(reads).not.toHaveBeenCalled();
  });
});
