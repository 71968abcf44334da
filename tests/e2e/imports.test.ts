import { randomUUID } from 'node:crypto';
import { call, eventually, settled, tokenFor } from './support/api';

jest.setTimeout(60_000);

describe('CSV import through the presigned URL and the S3 trigger', () => {
  it('creates an order per good row and records the bad ones', async () => {
    const token = await tokenFor(`e2e-${randomUUID()}`);
    const opened = await call('POST', '/imports', { token });
    expect(opened.status).toBe(201);
    const csv = ['sku,quantity,paymentToken', 'SKU-1,2,tok_visa', 'SKU-NOPE,1,tok_visa', 'SKU-2,two,tok_visa', 'SKU-3,1', 'SKU-4,1,tok_declined'].join('\n');

    const upload = await fetch(opened.body.uploadUrl, { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(upload.status).toBe(200);
    const result = await eventually(async () => {
      const { body } = await call('GET', `/imports/${opened.body.importId}`, { token });
      return body.status === 'COMPLETED' ? body : undefined;
    }, 'the import to complete');

    expect(result).toMatchObject({ acceptedRows: 2, rejectedRows: 3 });
    expect(result.errors).toEqual([
      { row: 2, code: 'UNKNOWN_SKU', message: expect.stringContaining('SKU-NOPE') },
      { row: 3, code: 'VALIDATION_FAILED', message: expect.stringContaining('quantity') },
      { row: 4, code: 'MALFORMED_ROW', message: expect.any(String) },
    ]);
    const statuses = await Promise.all(result.orderIds.map(async (id: string) => (await settled(token, id)).status));
    expect(statuses.sort()).toEqual(['CONFIRMED', 'PAYMENT_FAILED']);
  });

  it("keeps one customer's import from another", async () => {
    const opened = await call('POST', '/imports', { token: await tokenFor(`e2e-${randomUUID()}`) });

    const answer = await call('GET', `/imports/${opened.body.importId}`, { token: await tokenFor(`e2e-${randomUUID()}`) });

    expect(answer.status).toBe(404);
  });
});
