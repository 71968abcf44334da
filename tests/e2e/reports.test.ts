import { randomUUID } from 'node:crypto';
import { call, eventually, placeAndSettle, tokenFor } from './support/api';

jest.setTimeout(60_000);

describe('sales report from the Kinesis activity stream', () => {
  it('counts each order once, at its latest status, under its UTC day and hour', async () => {
    const token = await tokenFor(`e2e-${randomUUID()}`);
    const today = new Date().toISOString().slice(0, 10);
    const before = (await call('GET', `/reports/sales?date=${today}`, { token })).body;

    const confirmed = await placeAndSettle(token, { items: [{ sku: 'SKU-4', quantity: 1 }], paymentToken: 'tok_visa' });
    await placeAndSettle(token, { items: [{ sku: 'SKU-4', quantity: 1 }], paymentToken: 'tok_declined' });

    const after = await eventually(async () => {
      const { body } = await call('GET', `/reports/sales?date=${today}`, { token });
      const grew = (status: string) => (body.totals.byStatus[status] ?? 0) - (before.totals.byStatus[status] ?? 0);
      return grew('CONFIRMED') >= 1 && grew('PAYMENT_FAILED') >= 1 ? body : undefined;
    }, 'the report to count both orders');

    expect(after.date).toBe(today);
    expect(after.totals.revenueCents - before.totals.revenueCents).toBeGreaterThanOrEqual(confirmed.totalCents);
    expect(after.hours.map((h: { hour: string }) => h.hour)).toContain(confirmed.history[0].at.slice(11, 13));
    expect(after.totals.orders).toBe(Object.values(after.totals.byStatus as Record<string, number>).reduce((a, b) => a + b, 0));
  });

  it('rejects a date that is not YYYY-MM-DD', async () => {
    const answer = await call('GET', '/reports/sales?date=2026-13-45', { token: await tokenFor('e2e-reports') });

    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
  });
});
