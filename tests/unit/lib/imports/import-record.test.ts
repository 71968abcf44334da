import { importIdFromKey, importObjectKey, importView, type ImportRecord } from '../../../../lib/imports/import-record';

const IMPORT_ID = '9a7e5c31-2b4d-4f6a-8c1e-3d5f7b9a1c20';

describe('import object keys', () => {
  it('puts an import under incoming/ and reads its id back', () => {
    expect(importObjectKey(IMPORT_ID)).toBe(`incoming/${IMPORT_ID}.csv`);
    expect(importIdFromKey(importObjectKey(IMPORT_ID))).toBe(IMPORT_ID);
  });

  it.each([
    `other/${IMPORT_ID}.csv`,
    `incoming/${IMPORT_ID}.txt`,
    `incoming/${IMPORT_ID}.csv.bak`,
    `incoming/sub/${IMPORT_ID}.csv`,
    'incoming/not-an-import.csv',
    `incoming/${IMPORT_ID.toUpperCase()}.csv`,
    '',
  ])('finds no import in %p', (key) => {
    expect(importIdFromKey(key)).toBeUndefined();
  });
});

describe('importView', () => {
  it('shows the client the result and nothing internal', () => {
    const record: ImportRecord = {
      importId: IMPORT_ID,
      customerId: 'customer-1',
      status: 'COMPLETED',
      correlationId: 'corr-1',
      createdAt: '2026-11-22T10:00:00.000Z',
      acceptedRows: 1,
      rejectedRows: 1,
      orderIds: ['order-1'],
      errors: [{ row: 2, code: 'UNKNOWN_SKU', message: 'These products are not in the catalog: SKU-404.' }],
    };

    expect(importView(record)).toEqual({
      importId: IMPORT_ID,
      status: 'COMPLETED',
      acceptedRows: 1,
      rejectedRows: 1,
      orderIds: ['order-1'],
      errors: [{ row: 2, code: 'UNKNOWN_SKU', message: 'These products are not in the catalog: SKU-404.' }],
    });
  });
});
