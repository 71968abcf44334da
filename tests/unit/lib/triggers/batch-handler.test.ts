import type { DynamoDBRecord, DynamoDBStreamEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { batchHandler } from '../../../../lib/triggers/batch-handler';
import { fixture } from '../../../support/events';
import { lambdaContext } from '../../../support/lambda-context';

const record = (messageId: string, receiveCount: number): SQSRecord =>
  ({
    messageId,
    receiptHandle: messageId,
    body: '{}',
    attributes: { ApproximateReceiveCount: String(receiveCount) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:orderflow-test-payments',
    awsRegion: 'us-east-1',
  }) as unknown as SQSRecord;

describe('batchHandler, on SQS', () => {
  test.each([
    { deadLetterAfterReceives: 3, receiveCounts: [1, 2, 3, 4], deadLettered: 2 },
    { deadLetterAfterReceives: 5, receiveCounts: [1, 4], deadLettered: 0 },
    { deadLetterAfterReceives: undefined, receiveCounts: [9], deadLettered: 0 },
  ])(
    'counts the failed records on their last delivery (after $deadLetterAfterReceives receives): $deadLettered',
    async ({ deadLetterAfterReceives, receiveCounts, deadLettered }) => {
      const handler = batchHandler(
        'sqs',
        async (received: SQSRecord) => {
          if (received.messageId !== 'ok') throw new Error(`record ${received.messageId} fails`);
        },
        { deadLetterAfterReceives },
      );
      // One record succeeds, or the processor fails the whole batch at once.
      const event: SQSEvent = { Records: [record('ok', 9), ...receiveCounts.map((count, index) => record(`m${index}`, count))] };
      const lines: string[] = [];
      const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => lines.push(String(chunk)) > 0);
      let response;
      try {
        response = await handler(event, lambdaContext('processPayment'));
      } finally {
        write.mockRestore();
      }

      expect(response?.batchItemFailures).toHaveLength(receiveCounts.length);
      const emf = lines.filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as Record<string, unknown>);
      // One EMF line per invocation; a metric counted twice holds both values, which CloudWatch sums.
      const counted = emf.map((line) => [line.DeadLettered ?? 0].flat().reduce((sum: number, value) => sum + Number(value), 0));
      expect(counted).toEqual(deadLettered ? [deadLettered] : []);
    },
  );
});

describe('batchHandler, on a DynamoDB stream', () => {
  const context = lambdaContext('pushOrderStatus');
  function batchOf(sequenceNumbers: string[]): DynamoDBStreamEvent {
    const [sample] = fixture<DynamoDBStreamEvent>('pushOrderStatus').Records;
    return { Records: sequenceNumbers.map((SequenceNumber) => ({ ...sample, dynamodb: { ...sample.dynamodb, SequenceNumber } })) };
  }

  it('handles the records one after the other, in the order of the shard', async () => {
    const seen: string[] = [];
    const handler = batchHandler('dynamodb', async (record: DynamoDBRecord) => {
      seen.push(record.dynamodb!.SequenceNumber!);
    });

    expect(await handler(batchOf(['1', '2', '3']), context)).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual(['1', '2', '3']);
  });

  it('stops at the first record that fails: it and every later record are reported, so none overtakes it', async () => {
    const seen: string[] = [];
    const handler = batchHandler('dynamodb', async (record: DynamoDBRecord) => {
      seen.push(record.dynamodb!.SequenceNumber!);
      if (record.dynamodb!.SequenceNumber === '2') throw new Error('subscriber unreachable');
    });

    expect(await handler(batchOf(['1', '2', '3']), context)).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }, { itemIdentifier: '3' }] });
    expect(seen).toEqual(['1', '2']);
  });
});
