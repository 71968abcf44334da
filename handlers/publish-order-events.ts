import { orderEventPublisher } from '../lib/aws/order-events';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { publishOrderEvents } from '../lib/orders/publish-order-events';
import { batchHandler } from '../lib/triggers/batch-handler';

const { orderEventsTopicArn, activityStreamName, integrationBusName } = config();
const deps = { events: orderEventPublisher({ topicArn: orderEventsTopicArn, streamName: activityStreamName, busName: integrationBusName }) };

/**
 * The orders table's stream (the outbox): publishes each status change to SNS, Kinesis and the
 * integration bus, one record after the other; a failed record is retried before any later one.
 */
export const handler = batchHandler('dynamodb', async (record) => {
  const order = await publishOrderEvents(deps, record);
  if (!order) return;
  logger.setCorrelationId(order.correlationId);
  logger.info('order event published', { orderId: order.orderId, status: order.status, version: order.version });
});
