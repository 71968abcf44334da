import type { DynamoDBStreamEvent } from 'aws-lambda';
import { PublishCommand } from '@aws-sdk/client-sns';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type * as PublishOrderEventsModule from '../../../handlers/publish-order-events';
import { fixture, SAMPLE } from '../../support/events';
import { lambdaContext } from '../../support/lambda-context';
import { stubOrderEventPublishing } from '../../support/order-events';

const publishing = stubOrderEventPublishing();
let handler: typeof PublishOrderEventsModule.handler;

beforeAll(async () => {
  ({ handler } = await import('../../../handlers/publish-order-events'));
});
beforeEach(() => publishing.reset());
afterAll(() => publishing.restore());

const invoke = (event: DynamoDBStreamEvent) => handler(event, lambdaContext('publishOrderEvents'));
const sample = () => fixture<DynamoDBStreamEvent>('publishOrderEvents');
const [INSERT_SEQUENCE, MODIFY_SEQUENCE] = ['100000000000000000101', '100000000000000000102'];

/** The SNS message of one status change fails (by event type) until `times` attempts failed. */
function failPublishing(eventType: string, times = Infinity) {
  let failures = 0;
  publishing.sns.on(PublishCommand).callsFake(async (input: { Message: string }) => {
    if (JSON.parse(input.Message).eventType === eventType && failures++ < times) throw new Error('SNS unavailable');
    return { MessageId: 'published' };
  });
}

describe('publishOrderEvents (the orders table stream: the outbox)', () => {
  it('publishes each status change of the sample event to SNS, Kinesis and the bus, in order', async () => {
    const response = await invoke(sample());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(publishing.published()).toEqual([
      {
        topicArn: 'arn:aws:sns:us-east-1:000000000000:orderflow-test-order-events',
        message: expect.objectContaining({ eventType: 'OrderPlaced', orderId: SAMPLE.outboxOrderId, status: 'PENDING', version: 1 }),
        attributes: { eventType: 'OrderPlaced', correlationId: SAMPLE.correlationId },
      },
      {
        topicArn: 'arn:aws:sns:us-east-1:000000000000:orderflow-test-order-events',
        message: expect.objectContaining({ eventType: 'OrderPaid', orderId: SAMPLE.outboxOrderId, status: 'PAID', version: 2 }),
        attributes: { eventType: 'OrderPaid', correlationId: SAMPLE.correlationId },
      },
    ]);
    expect(publishing.streamed()).toEqual([
      { streamName: 'orderflow-test-order-activity', partitionKey: SAMPLE.outboxOrderId, data: publishing.published()[0].message },
      { streamName: 'orderflow-test-order-activity', partitionKey: SAMPLE.outboxOrderId, data: publishing.published()[1].message },
    ]);
    expect(publishing.putEvents()).toEqual([
      expect.objectContaining({ busName: 'orderflow-test', source: 'orderflow', detailType: 'OrderPlaced', detail: expect.objectContaining({ version: 1 }) }),
      expect.objectContaining({ busName: 'orderflow-test', source: 'orderflow', detailType: 'OrderPaid', detail: expect.objectContaining({ version: 2 }) }),
    ]);
  });

  it('leaves every change after a failed one unpublished, so no later change overtakes it', async () => {
    failPublishing('OrderPlaced');
    const batch = sample();
    const [inserted] = batch.Records;
    // A change of another item first: handled (it publishes nothing), so the batch fails only in part.
    batch.Records.unshift({
      ...inserted,
      dynamodb: { ...inserted.dynamodb, Keys: { pk: { S: 'ORDER#x' }, sk: { S: 'PAYMENT' } }, SequenceNumber: '100000000000000000100' },
    });

    const response = await invoke(batch);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: INSERT_SEQUENCE }, { itemIdentifier: MODIFY_SEQUENCE }] });
    expect(publishing.published().map((entry) => entry.message.eventType)).toEqual(['OrderPlaced']); // the failed attempt
    expect(publishing.putEvents().map((entry) => entry.detailType)).not.toContain('OrderPaid');
  });

  it('reports only the failed change when the ones before it were published', async () => {
    failPublishing('OrderPaid');

    const response = await invoke(sample());

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: MODIFY_SEQUENCE }] });
    expect(publishing.putEvents().map((entry) => entry.detailType)).toEqual(['OrderPlaced', 'OrderPaid']);
  });

  it('publishes the failed change when Lambda delivers it again', async () => {
    failPublishing('OrderPaid', 1);
    const retried = { Records: sample().Records.slice(1) };

    await expect(invoke(sample())).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: MODIFY_SEQUENCE }] });
    await expect(invoke(retried)).resolves.toEqual({ batchItemFailures: [] });

    expect(publishing.putEvents().map((entry) => entry.detailType)).toEqual(['OrderPlaced', 'OrderPaid', 'OrderPaid']);
  });

  it('reports a change the bus refused', async () => {
    publishing.eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });

    await expect(invoke({ Records: sample().Records.slice(1) })).rejects.toThrow(); // a batch whose every record failed fails whole
  });

  it('publishes nothing for a change of another item or a write that changed no status', async () => {
    const [inserted, modified] = sample().Records;
    inserted.dynamodb!.Keys!.sk = { S: 'PAYMENT' };
    modified.dynamodb!.OldImage = modified.dynamodb!.NewImage;

    await expect(invoke({ Records: [inserted, modified] })).resolves.toEqual({ batchItemFailures: [] });
    expect(publishing.calls()).toBe(0);
  });
});
