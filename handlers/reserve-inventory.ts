import type { SNSEvent } from 'aws-lambda';
import { systemClock } from '../lib/clock';
import { config } from '../lib/config';
import { reserveInventory } from '../lib/inventory/reserve-inventory';
import { stockStore } from '../lib/inventory/stock-store';
import { logger } from '../lib/logger';
import { countingOrderChanges } from '../lib/metrics';
import { orderStore } from '../lib/orders/order-store';
import { paymentLedger } from '../lib/payments/ledger';
import { eventHandler } from '../lib/triggers/event-handler';
import { parseOrderMessage } from '../lib/triggers/order-message';

const { tableName } = config();
const deps = {
  orders: countingOrderChanges(orderStore(tableName)),
  stock: stockStore(tableName),
  ledger: paymentLedger(tableName),
  clock: systemClock,
};

/** SNS order-events, OrderPaid: reserve the stock, then CONFIRMED, or CANCELLED with a refund. */
export const handler = eventHandler<SNSEvent>(async (event) => {
  for (const record of event.Records) {
    const message = parseOrderMessage(record.Sns.Message);
    logger.setCorrelationId(message.correlationId ?? record.Sns.MessageId);
    const order = await reserveInventory(deps, message.orderId);
    logger.info('inventory reserved', { orderId: order.orderId, status: order.status });
  }
});
