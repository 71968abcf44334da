import type { ScheduledEvent } from 'aws-lambda';
import { systemClock } from '../lib/clock';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { expireStaleOrders } from '../lib/orders/expire-stale-orders';
import { orderStore } from '../lib/orders/order-store';
import { eventHandler } from '../lib/triggers/event-handler';

const { tableName, pendingOrderTtlSeconds } = config();
const deps = {
  orders: orderStore(tableName),
  clock: systemClock,
};

/** Schedule rate(...): PENDING orders past their deadline become EXPIRED. */
export const handler = eventHandler<ScheduledEvent>(async (event) => {
  logger.setCorrelationId(event.id);
  const swept = await expireStaleOrders(deps, pendingOrderTtlSeconds);
  logger.info('stale orders expired', swept);
});
