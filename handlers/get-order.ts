import { config } from '../lib/config';
import { NotFoundError } from '../lib/errors';
import { httpHandler } from '../lib/http/http-handler';
import { ok } from '../lib/http/http-result';
import { idFromPath } from '../lib/http/path-id';
import { orderStore } from '../lib/orders/order-store';
import { orderView } from '../lib/orders/order-view';
import { paymentLedger } from '../lib/payments/ledger';

const { tableName } = config();
const orders = orderStore(tableName);
const ledger = paymentLedger(tableName);

export const handler = httpHandler(async (event) => {
  const orderId = idFromPath(event.pathParameters?.orderId, 'Order');
  // The order first, then its payment: a status and its payment change in one transaction, so a
  // payment read after the order is at least as new (read side by side, it could be older).
  const order = await orders.get(orderId);
  // Another customer's order is answered exactly like a missing one.
  if (!order || order.customerId !== event.customerId) throw new NotFoundError('Order');
  return ok(orderView(order, await ledger.get(orderId)));
});
