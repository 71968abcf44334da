import { config } from '../lib/config';
import { NotFoundError } from '../lib/errors';
import { fulfilmentStore } from '../lib/fulfilment/fulfilment-store';
import { httpHandler } from '../lib/http/http-handler';
import { ok } from '../lib/http/http-result';
import { idFromPath } from '../lib/http/path-id';
import { orderStore } from '../lib/orders/order-store';
import { orderView } from '../lib/orders/order-view';
import { paymentLedger } from '../lib/payments/ledger';

const { tableName } = config();
const orders = orderStore(tableName);
const ledger = paymentLedger(tableName);
const fulfilments = fulfilmentStore(tableName);

export const handler = httpHandler(async (event) => {
  const orderId = idFromPath(event.pathParameters?.orderId, 'Order');
  // The order first, then its payment: a status and its payment change in one transaction, so a
  // payment read after the order is at least as new (read side by side, it could be older). One
  // Query of the order's items would not keep that order: DynamoDB promises a Query no order of
  // reads within it. The shipment is no status's effect: it is read beside the payment.
  const order = await orders.get(orderId);
  // Another customer's order is answered exactly like a missing one.
  if (!order || order.customerId !== event.customerId) throw new NotFoundError('Order');
  const [payment, fulfilment] = await Promise.all([ledger.get(orderId), fulfilments.get(orderId)]);
  return ok(orderView(order, payment, fulfilment));
});
