import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { PublishCommand } from '@aws-sdk/client-sns';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { toOrderEvent, type OrderEvent } from '../../../lib/aws/order-events';
import type { OrderStatus } from '../../../lib/orders/order';
import { ACTIVITY_STREAM, kinesis, ORDER_EVENTS_TOPIC_ARN, queueUrl, sns, sqs } from './aws';

/** An order as GET /orders/{orderId} shows it. */
export type OrderView = {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  items: { sku: string; quantity: number; unitPriceCents: number }[];
  totalCents: number;
  currency: string;
  payment: { status: string; attempts: number; charges: number; chargeId?: string };
  history: { status: OrderStatus; at: string }[];
  correlationId: string;
};

/**
 * The event the chain published when the order reached `status`, rebuilt from what the API shows:
 * every status change appends to the history and bumps the version, so the order at that moment is
 * its history up to that status, with version = history length.
 */
export function eventAsPublished(view: OrderView, paymentToken: string, status: OrderStatus): OrderEvent {
  const reached = view.history.findIndex((entry) => entry.status === status);
  if (reached < 0) throw new Error(`Order ${view.orderId} never was ${status}`);
  const history = view.history.slice(0, reached + 1);
  const { orderId, customerId, items, totalCents, currency, correlationId } = view;
  return toOrderEvent({
    orderId,
    customerId,
    status,
    items,
    totalCents,
    currency,
    paymentToken,
    history,
    correlationId,
    createdAt: history[0].at,
    version: history.length,
  });
}

const attributesOf = (event: OrderEvent) => ({
  eventType: { DataType: 'String', StringValue: event.eventType },
  correlationId: { DataType: 'String', StringValue: event.correlationId },
});

/** The message SNS's raw delivery puts on the payments queue, sent once more. */
export const redeliverToPayments = (event: OrderEvent) =>
  sqs.send(new SendMessageCommand({ QueueUrl: queueUrl('payments'), MessageBody: JSON.stringify(event), MessageAttributes: attributesOf(event) }));

/** The event published to the order-events topic once more. */
export const republish = (event: OrderEvent) =>
  sns.send(new PublishCommand({ TopicArn: ORDER_EVENTS_TOPIC_ARN, Message: JSON.stringify(event), MessageAttributes: attributesOf(event) }));

/** The activity record put on the stream once more (partitioned by order, as the chain does). */
export const reputActivity = (event: OrderEvent) =>
  kinesis.send(new PutRecordCommand({ StreamName: ACTIVITY_STREAM, PartitionKey: event.orderId, Data: Buffer.from(JSON.stringify(event)) }));
