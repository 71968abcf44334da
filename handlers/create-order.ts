import { randomUUID } from 'node:crypto';
import { systemClock } from '../lib/clock';
import { catalogStore } from '../lib/catalog/catalog-store';
import { config } from '../lib/config';
import { httpHandler } from '../lib/http/http-handler';
import { logger } from '../lib/logger';
import { countingOrderChanges } from '../lib/metrics';
import { orderStore } from '../lib/orders/order-store';
import { placeOrder } from '../lib/orders/place-order';

const { tableName } = config();
const deps = {
  catalog: catalogStore(tableName),
  orders: countingOrderChanges(orderStore(tableName)),
  clock: systemClock,
  newId: randomUUID,
};

export const handler = httpHandler(
  async (event) => {
    const { order } = await placeOrder(deps, {
      customerId: event.customerId,
      request: event.body,
      idempotencyKey: event.headers['idempotency-key'],
      correlationId: event.correlationId,
    });
    logger.info('order accepted', { orderId: order.orderId, status: order.status });
    return {
      status: 202,
      body: { orderId: order.orderId, status: order.status },
      headers: { location: `/orders/${order.orderId}` },
    };
  },
  { jsonBody: true },
);
