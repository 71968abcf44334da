import { randomUUID } from 'node:crypto';
import { systemClock } from '../lib/clock';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { countingOrderChanges } from '../lib/metrics';
import { orderStore } from '../lib/orders/order-store';
import { paymentLedger } from '../lib/payments/ledger';
import { processPayment } from '../lib/payments/process-payment';
import { batchHandler } from '../lib/triggers/batch-handler';
import { parseOrderMessage } from '../lib/triggers/order-message';

const { tableName, deadLetterAfterReceives } = config();
const deps = {
  orders: countingOrderChanges(orderStore(tableName)),
  ledger: paymentLedger(tableName),
  clock: systemClock,
  newId: randomUUID,
};

/** SQS payments queue (OrderPlaced, delivered raw from SNS): charge each order once. */
export const handler = batchHandler(
  'sqs',
  async (record) => {
    logger.setCorrelationId(record.messageAttributes?.correlationId?.stringValue ?? record.messageId);
    const message = parseOrderMessage(record.body);
    const order = await processPayment(deps, message.orderId);
    logger.info('payment processed', { orderId: order.orderId, status: order.status });
  },
  { deadLetterAfterReceives },
);
