import type { ScheduledEvent } from 'aws-lambda';
import { systemClock } from '../lib/clock';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { activityStore } from '../lib/reports/activity-store';
import { writeDailyReport } from '../lib/reports/daily-report';
import { eventHandler } from '../lib/triggers/event-handler';

const { tableName, reportsBucket } = config();
const deps = { activity: activityStore(tableName), bucket: reportsBucket };

/** Schedule cron(...): yesterday's sales report (UTC) into the reports bucket. */
export const handler = eventHandler<ScheduledEvent>(async (event) => {
  logger.setCorrelationId(event.id);
  const { key, report } = await writeDailyReport(deps, event.time ? new Date(event.time) : systemClock());
  logger.info('daily report written', { key, orders: report.totals.orders });
});
