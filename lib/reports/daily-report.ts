import { PutObjectCommand } from '@aws-sdk/client-s3';
import { s3 } from '../aws/s3';
import type { ActivityStore } from './activity-store';
import { buildSalesReport, type SalesReport } from './sales-report';

/** The report of the UTC day before `now`, written to the reports bucket as reports/sales-<date>.json. */
export async function writeDailyReport(
  deps: { activity: Pick<ActivityStore, 'day'>; bucket: string },
  now: Date,
): Promise<{ key: string; report: SalesReport }> {
  const date = new Date(now.getTime() - 24 * 3600 * 1000).toISOString().slice(0, 10);
  const report = buildSalesReport(date, await deps.activity.day(date));
  const key = `reports/sales-${date}.json`;
  await s3.send(new PutObjectCommand({ Bucket: deps.bucket, Key: key, Body: JSON.stringify(report, null, 2), ContentType: 'application/json' }));
  return { key, report };
}
