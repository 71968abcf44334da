import type { EventBridgeEvent } from 'aws-lambda';
import { systemClock } from '../lib/clock';
import { config } from '../lib/config';
import { fulfilOrder, type Shipped } from '../lib/fulfilment/fulfil-order';
import { fulfilmentStore } from '../lib/fulfilment/fulfilment-store';
import { parseOrderConfirmed } from '../lib/fulfilment/order-confirmed-event';
import { logger } from '../lib/logger';
import { orderStore } from '../lib/orders/order-store';
import { eventHandler } from '../lib/triggers/event-handler';

const { tableName } = config();
const deps = { orders: orderStore(tableName), fulfilments: fulfilmentStore(tableName), clock: systemClock };

/**
 * EventBridge, OrderConfirmed on the integration bus: book the parcel and record the shipment. The
 * result is the success record's responsePayload, which the bus routes to the shipped notification.
 */
export const handler = eventHandler<EventBridgeEvent<string, unknown>, Shipped>(async (event) => {
  const confirmed = parseOrderConfirmed(event);
  logger.setCorrelationId(confirmed.correlationId);
  const result = await fulfilOrder(deps, confirmed.orderId);
  logger.info('order shipped', { orderId: result.orderId, carrier: result.carrier, trackingId: result.trackingId });
  return result;
});
