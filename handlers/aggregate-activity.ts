import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { activityStore } from '../lib/reports/activity-store';
import { parseActivity } from '../lib/reports/activity-record';
import { batchHandler } from '../lib/triggers/batch-handler';

const activity = activityStore(config().tableName);

/** Kinesis order-activity stream: fold each status change into its day's hourly projection. */
export const handler = batchHandler('kinesis', async (record) => {
  const { date, fact, correlationId } = parseActivity(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
  logger.setCorrelationId(correlationId ?? record.kinesis.sequenceNumber);
  const applied = await activity.apply(date, fact);
  logger.debug('activity applied', { orderId: fact.orderId, status: fact.status, applied });
});
