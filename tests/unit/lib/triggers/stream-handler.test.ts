import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { inOrderStreamHandler } from '../../../../lib/triggers/stream-handler';
import { fixture } from '../../../support/events';
import { lambdaContext } from '../../../support/lambda-context';

const context = lambdaContext('pushOrderStatus');

function batchOf(sequenceNumbers: string[]): DynamoDBStreamEvent {
  const [sample] = fixture<DynamoDBStreamEvent>('pushOrderStatus').Records;
  return { Records: sequenceNumbers.map((SequenceNumber) => ({ ...sample, dynamodb: { ...sample.dynamodb, SequenceNumber } })) };
}

describe('inOrderStreamHandler', () => {
  it('handles the records one after the other, in the order of the shard', async () => {
    const seen: string[] = [];
    const handler = inOrderStreamHandler(async (record: DynamoDBRecord) => {
      seen.push(record.dynamodb!.SequenceNumber!);
    });

    expect(await handler(batchOf(['1', '2', '3']), context)).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual(['1', '2', '3']);
  });

  it('stops at the first record that fails and reports it alone: the shard resumes from it, the later ones come after it', async () => {
    const seen: string[] = [];
    const handler = inOrderStreamHandler(async (record: DynamoDBRecord) => {
      seen.push(record.dynamodb!.SequenceNumber!);
      if (record.dynamodb!.SequenceNumber === '2') throw new Error('subscriber unreachable');
    });

    expect(await handler(batchOf(['1', '2', '3']), context)).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
    expect(seen).toEqual(['1', '2']);
  });
});
