import type { ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type * as DailyReportModule from '../../../handlers/daily-report';
import { startDynalite, type TestTable } from '../../support/dynalite';
import { fixture } from '../../support/events';
import { lambdaContext } from '../../support/lambda-context';

const s3 = mockClient(S3Client);
let table: TestTable;
let handler: typeof DailyReportModule.handler;

beforeAll(async () => {
  table = await startDynalite();
  ({ handler } = await import('../../../handlers/daily-report'));
  const activity = (await import('../../../lib/reports/activity-store')).activityStore(table.tableName);
  await activity.apply('2026-11-22', { orderId: 'o-1', hour: '09', status: 'CONFIRMED', totalCents: 5597, version: 3 });
  await activity.apply('2026-11-22', { orderId: 'o-2', hour: '23', status: 'CANCELLED', totalCents: 8900, version: 3 });
  await activity.apply('2026-11-23', { orderId: 'o-3', hour: '00', status: 'CONFIRMED', totalCents: 599, version: 3 });
});
beforeEach(() => s3.reset());
afterAll(async () => {
  s3.restore();
  await table.close();
});

const invoke = (event: ScheduledEvent) => handler(event, lambdaContext('dailyReport'));

describe('dailyReport (schedule)', () => {
  it("writes the previous UTC day's report to the reports bucket", async () => {
    await invoke(fixture('dailyReport'));

    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatchObject({ Bucket: 'orderflow-test-reports', Key: 'reports/sales-2026-11-22.json', ContentType: 'application/json' });
    expect(JSON.parse(puts[0].Body as string)).toEqual({
      date: '2026-11-22',
      totals: { orders: 2, revenueCents: 5597, byStatus: { CONFIRMED: 1, CANCELLED: 1 } },
      hours: [
        { hour: '09', orders: 1, revenueCents: 5597, byStatus: { CONFIRMED: 1 } },
        { hour: '23', orders: 1, revenueCents: 0, byStatus: { CANCELLED: 1 } },
      ],
    });
  });

  it('writes an empty report for a day without activity', async () => {
    const event = fixture<ScheduledEvent>('dailyReport');
    event.time = '2026-06-02T00:05:00Z';

    await invoke(event);

    const [put] = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(put.Key).toBe('reports/sales-2026-06-01.json');
    expect(JSON.parse(put.Body as string)).toEqual({ date: '2026-06-01', totals: { orders: 0, revenueCents: 0, byStatus: {} }, hours: [] });
  });

  it('throws when the report cannot be written, so Lambda retries the schedule event', async () => {
    s3.on(PutObjectCommand).rejects(new Error('AccessDenied'));

    await expect(invoke(fixture('dailyReport'))).rejects.toThrow('AccessDenied');
  });
});
