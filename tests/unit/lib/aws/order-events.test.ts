import type { KinesisStreamEvent, SNSEvent, SQSEvent } from 'aws-lambda';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { orderEventPublisher, toOrderEvent } from '../../../../lib/aws/order-events';
import { transition } from '../../../../lib/orders/order';
import { fixture, SAMPLE } from '../../../support/events';
import { sampleOrder } from '../../../support/fakes';
import { stubOrderEventPublishing } from '../../../support/order-events';

const placed = sampleOrder();
const paid = transition(placed, 'PAID', new Date('2026-11-22T10:00:01.250Z'));
const confirmed = transition(paid, 'CONFIRMED', new Date('2026-11-22T10:00:02.500Z'));

describe('toOrderEvent', () => {
  it('describes the order at its latest status, with the time of that change', () => {
    expect(toOrderEvent(paid)).toEqual({
      eventType: 'OrderPaid',
      orderId: SAMPLE.orderId,
      customerId: SAMPLE.customerId,
      status: 'PAID',
      totalCents: 5597,
      currency: 'EUR',
      createdAt: '2026-11-22T10:00:00.000Z',
      at: '2026-11-22T10:00:01.250Z',
      version: 2,
      correlationId: SAMPLE.correlationId,
    });
  });

  it('carries no payment token', () => {
    expect(JSON.stringify(toOrderEvent(placed))).not.toContain('tok_');
  });

  // The sample events must stay what the publisher really sends, byte for byte.
  it('is what the sample SQS, SNS and Kinesis events carry', () => {
    expect(fixture<SQSEvent>('processPayment').Records[0].body).toBe(JSON.stringify(toOrderEvent(placed)));
    // reserveInventory's and notifyCustomer's events name the sample orders seeded PAID and CONFIRMED.
    expect(fixture<SNSEvent>('reserveInventory').Records[0].Sns.Message).toBe(JSON.stringify(toOrderEvent({ ...paid, orderId: SAMPLE.paidOrderId })));
    expect(fixture<SNSEvent>('notifyCustomer').Records[0].Sns.Message).toBe(JSON.stringify(toOrderEvent({ ...confirmed, orderId: SAMPLE.confirmedOrderId })));
    expect(fixture<KinesisStreamEvent>('aggregateActivity').Records.map((record) => Buffer.from(record.kinesis.data, 'base64').toString())).toEqual(
      [placed, paid, confirmed].map((order) => JSON.stringify(toOrderEvent(order))),
    );
  });
});

describe('orderEventPublisher', () => {
  const publishing = stubOrderEventPublishing();
  beforeEach(() => publishing.reset());
  afterAll(() => publishing.restore());
  const events = orderEventPublisher({
    topicArn: 'arn:aws:sns:us-east-1:000000000000:orderflow-local-order-events',
    streamName: 'orderflow-local-order-activity',
    busName: 'orderflow-local',
  });

  it('publishes the event to the topic with eventType and correlationId attributes, to the stream by order, and to the bus', async () => {
    await events.publish(confirmed);

    expect(publishing.published()).toEqual([
      {
        topicArn: 'arn:aws:sns:us-east-1:000000000000:orderflow-local-order-events',
        message: toOrderEvent(confirmed),
        attributes: { eventType: 'OrderConfirmed', correlationId: SAMPLE.correlationId },
      },
    ]);
    expect(publishing.streamed()).toEqual([{ streamName: 'orderflow-local-order-activity', partitionKey: SAMPLE.orderId, data: toOrderEvent(confirmed) }]);
    expect(publishing.putEvents()).toEqual([
      {
        busName: 'orderflow-local',
        source: 'orderflow',
        detailType: 'OrderConfirmed',
        detail: {
          orderId: SAMPLE.orderId,
          customerId: SAMPLE.customerId,
          status: 'CONFIRMED',
          totalCents: 5597,
          currency: 'EUR',
          at: '2026-11-22T10:00:02.500Z',
          correlationId: SAMPLE.correlationId,
          version: 3,
        },
      },
    ]);
  });

  it('fails when the bus refuses the entry (PutEvents answers 200 with FailedEntryCount), so the change is retried', async () => {
    publishing.eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });

    await expect(events.publish(paid)).rejects.toThrow(
      'The bus orderflow-local refused OrderPaid of order 3f1c9a52-7e4b-4c8d-a1f6-0b2d4e6f8a10: InternalFailure try again',
    );
  });

  it('fails when one of the three calls fails', async () => {
    publishing.kinesis.on(PutRecordCommand).rejects(new Error('ProvisionedThroughputExceededException'));

    await expect(events.publish(paid)).rejects.toThrow('ProvisionedThroughputExceededException');
  });
});
