import type { SNSEvent } from 'aws-lambda';
import { systemClock } from '../lib/clock';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { composeNotification, notificationStore } from '../lib/notifications/notify-customer';
import { orderStore } from '../lib/orders/order-store';
import { eventHandler } from '../lib/triggers/event-handler';
import { parseOrderMessage } from '../lib/triggers/order-message';

const { tableName } = config();
const orders = orderStore(tableName);
const notifications = notificationStore(tableName);

/** SNS order-events, terminal statuses: write the customer's (simulated) e-mail once. */
export const handler = eventHandler<SNSEvent>(async (event) => {
  for (const record of event.Records) {
    const message = parseOrderMessage(record.Sns.Message);
    logger.setCorrelationId(message.correlationId ?? record.Sns.MessageId);
    const order = await orders.get(message.orderId);
    if (!order) throw new Error(`Order ${message.orderId} does not exist`);
    const notification = composeNotification(order, systemClock());
    const written = notification ? await notifications.write(notification) : false;
    logger.info('customer notified', { orderId: order.orderId, status: order.status, written });
  }
});
