import { PublishCommand } from '@aws-sdk/client-sns';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_FOR_STATUS, type Order, type OrderEventType } from '../orders/order';
import { toIntegrationEvent } from '../orders/integration-event';
import { eventBridge } from './eventbridge';
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

export type OrderEventDestinations = { topicArn: string; streamName: string; busName: string };

/**
 * Publishes an order's current status, as the outbox (publishOrderEvents) reads it from the orders
 * table's stream: the domain event to SNS for the chain, the activity record to Kinesis for the
 * report, the integration event to the stage's bus. Each call can be repeated: consumers are
 * idempotent (they re-read the order, or keep its highest version).
 */
export function orderEventPublisher({ topicArn, streamName, busName }: OrderEventDestinations) {
  return {
    async publish(order: Order): Promise<void> {
      const event = toOrderEvent(order);
      const body = JSON.stringify(event);
      const integration = toIntegrationEvent(order);
      const [, , put] = await Promise.all([
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
        eventBridge.send(
          new PutEventsCommand({
            Entries: [{ EventBusName: busName, Source: integration.source, DetailType: integration.detailType, Detail: JSON.stringify(integration.detail) }],
          }),
        ),
      ]);
      // PutEvents answers 200 with the entries it refused: one refused is a failure to retry.
      const refused = put.Entries?.find((entry) => entry.ErrorCode);
      if (put.FailedEntryCount || refused) {
        throw new Error(
          `The bus ${busName} refused ${integration.detailType} of order ${order.orderId}: ${refused?.ErrorCode} ${refused?.ErrorMessage ?? ''}`.trim(),
        );
      }
    },
  };
}

export type OrderEventPublisher = ReturnType<typeof orderEventPublisher>;
