import { PublishCommand } from '@aws-sdk/client-sns';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { EVENT_FOR_STATUS, type Order, type OrderEventType } from '../orders/order';
import { sns } from './sns';
import { kinesis } from './kinesis';

/** What every OrderX event and activity record carries; consumers re-read the order itself. */
export type OrderEvent = {
  eventType: OrderEventType;
  orderId: string;
  customerId: string;
  status: Order['status'];
  totalCents: number;
  currency: string;
  createdAt: string;
  at: string;
  version: number;
  correlationId: string;
};

export function toOrderEvent(order: Order): OrderEvent {
  const last = order.history[order.history.length - 1];
  return {
    eventType: EVENT_FOR_STATUS[order.status],
    orderId: order.orderId,
    customerId: order.customerId,
    status: order.status,
    totalCents: order.totalCents,
    currency: order.currency,
    createdAt: order.createdAt,
    at: last.at,
    version: order.version,
    correlationId: order.correlationId,
  };
}

/** Announces an order's current status: to SNS for the chain, to Kinesis for the activity stream. */
export function orderEventPublisher(topicArn: string, streamName: string) {
  return {
    async announce(order: Order): Promise<void> {
      const event = toOrderEvent(order);
      const body = JSON.stringify(event);
      await Promise.all([
        sns.send(
          new PublishCommand({
            TopicArn: topicArn,
            Message: body,
            MessageAttributes: {
              eventType: { DataType: 'String', StringValue: event.eventType },
              correlationId: { DataType: 'String', StringValue: event.correlationId },
            },
          }),
        ),
        // Partitioned by order, so one order's changes stay in order on the stream.
        kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: order.orderId, Data: Buffer.from(body) })),
      ]);
    },
  };
}

export type OrderEventPublisher = ReturnType<typeof orderEventPublisher>;
