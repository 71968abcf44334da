import type * as GetSalesReportModule from '../../../handlers/get-sales-report';
import type { ActivityStore } from '../../../lib/reports/activity-store';
import { startDynalite, type TestTable } from '../../support/dynalite';
import { expectErrorShape, httpEvent, invokeHttp } from '../../support/events';
import { lambdaContext } from '../../support/lambda-context';

let table: TestTable;
let handler: typeof GetSalesReportModule.handler;
let activity: ActivityStore;

beforeAll(async () => {
  table = await startDynalite();
  ({ handler } = await import('../../../handlers/get-sales-report'));
  activity = (await import('../../../lib/reports/activity-store')).activityStore(table.tableName);
  await activity.apply('2026-11-22', { orderId: 'o-1', hour: '10', status: 'CONFIRMED', totalCents: 5597, version: 3 });
  await activity.apply('2026-11-22', { orderId: 'o-2', hour: '10', status: 'PAYMENT_FAILED', totalCents: 3450, version: 2 });
  await activity.apply('2026-11-22', { orderId: 'o-3', hour: '14', status: 'CONFIRMED', totalCents: 599, version: 3 });
  await activity.apply('2026-11-21', { orderId: 'o-4', hour: '23', status: 'CONFIRMED', totalCents: 12900, version: 3 });
});
afterAll(() => table.close());

const get = (event = httpEvent('getSalesReport')) => invokeHttp(handler, event, lambdaContext('getSalesReport'));

describe('GET /reports/sales (getSalesReport)', () => {
  it("answers 200 with the day's totals and hours", async () => {
    const answer = await get();

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      date: '2026-11-22',
      totals: { orders: 3, revenueCents: 5597 + 599, byStatus: { CONFIRMED: 2, PAYMENT_FAILED: 1 } },
      hours: [
        { hour: '10', orders: 2, revenueCents: 5597, byStatus: { CONFIRMED: 1, PAYMENT_FAILED: 1 } },
        { hour: '14', orders: 1, revenueCents: 599, byStatus: { CONFIRMED: 1 } },
      ],
    });
  });

  it('answers an empty report for a day without activity', async () => {
    const answer = await get(httpEvent('getSalesReport', { queryStringParameters: { date: '2026-01-01' } }));

    expect(answer.body).toEqual({ date: '2026-01-01', totals: { orders: 0, revenueCents: 0, byStatus: {} }, hours: [] });
  });

  it("reports today's UTC date when none is asked for", async () => {
    const answer = await get(httpEvent('getSalesReport', { queryStringParameters: undefined }));

    expect(answer.status).toBe(200);
    expect(answer.body.date).toBe(new Date().toISOString().slice(0, 10));
  });

  it('answers 400 VALIDATION_FAILED for an impossible date', async () => {
    const answer = await get(httpEvent('getSalesReport.bad-date'));

    expectErrorShape(answer, 400, 'VALIDATION_FAILED');
    expect(answer.body.error.details).toEqual([{ field: 'date', message: 'must be a date as YYYY-MM-DD' }]);
  });

  it.each(['', '22-11-2026', '2026-11-22T00:00:00Z', 'today', '2026-11-22;DROP', 'x'.repeat(5000)])('answers 400 for the date %p', async (date) => {
    expectErrorShape(await get(httpEvent('getSalesReport', { queryStringParameters: { date } })), 400, 'VALIDATION_FAILED');
  });
});
