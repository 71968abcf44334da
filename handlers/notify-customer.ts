import type { EventBridgeEvent, SNSEvent } from 'aws-lambda';
import { systemClock } from '../lib/clock';
import { config } from '../lib/config';
import { parseShippedRecord } from '../lib/fulfilment/shipped-record';
import { logger } from '../lib/logger';
import { composeNotification, composeShippedNotification, notificationStore } from '../lib/notifications/notify-customer';
import { orderStore } from '../lib/orders/order-store';
import { eventHandler } from '../lib/triggers/event-handler';
import { parseOrderMessage } from '../lib/triggers/order-message';

const { tableName } = config();
const orders = orderStore(tableName);
const notifications = notificationStore(tableName);

const readOrder = async (orderId: string) => {
  const order = await orders.get(orderId);
  if (!order) throw new Error(`Order ${orderId} does not exist`);
  return order;
};

/**
 * Writes the customer's (simulated) e-mail once per order and status: SNS order-events for terminal
 * statuses, and fulfilOrder's success record on the integration bus for the shipment.
 */
export const handler = eventHandler<SNSEvent | EventBridgeEvent<string, unknown>>(async (event) => {
  if (!('Records' in event)) {
    const shipment = parseShippedRecord(event);
    logger.setCorrelationId(shipment.correlationId);
    const written = await notifications.write(composeShippedNotification(await readOrder(shipment.orderId), shipment, systemClock()));
    logger.info('customer notified', { orderId: shipment.orderId, status: shipment.status, written });
    return;
  }
  for (const record of event.Records) {
    const message = parseOrderMessage(record.Sns.Message);
    logger.setCorrelationId(message.correlationId ?? record.Sns.MessageId);
    const order = await readOrder(message.orderId);
    const notification = composeNotification(order, systemClock());
    const written = notification ? await notifications.write(notification) : false;
    logger.info('customer notified', { orderId: order.orderId, status: order.status, written });
  }
});
