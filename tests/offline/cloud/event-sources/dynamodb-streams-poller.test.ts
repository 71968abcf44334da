import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { dynamodbRecord } from '../../../../offline/cloud/event-sources/dynamodb-streams-poller';
import { firstFailure } from '../../../../offline/cloud/event-sources/batch-delivery';
import type { PolledRecord } from '../../../../offline/cloud/event-sources/poller';

// Unit level: the embedded DynamoDB Streams API (branch ddbstreams) was not done when this was written,
// so these test the record mapping alone; the real-socket tests come with it.
const STREAM_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2026-01-01T00:00:00.000';

describe('dynamodbRecord', () => {
  it.each([
    ['INSERT', { NewImage: { pk: { S: 'order#1' }, total: { N: '12.5' } } }, { NewImage: { pk: { S: 'order#1' }, total: { N: '12.5' } } }],
    [
      'MODIFY',
      { OldImage: { pk: { S: 'order#1' }, total: { N: '1' } }, NewImage: { pk: { S: 'order#1' }, total: { N: '2' } } },
      { OldImage: { pk: { S: 'order#1' }, total: { N: '1' } }, NewImage: { pk: { S: 'order#1' }, total: { N: '2' } } },
    ],
    ['REMOVE', { OldImage: { pk: { S: 'order#1' } } }, { OldImage: { pk: { S: 'order#1' } } }],
  ] as const)('is the record Lambda hands a DynamoDB consumer for %s', (eventName, images, expected) => {
    const record = {
      eventID: 'c81e728d9d4c2f636f067f89cc14862c',
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: new Date('2026-01-01T00:00:07Z'),
        Keys: { pk: { S: 'order#1' } },
        ...images,
        SequenceNumber: '000000000000000000042',
        SizeBytes: 26,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    } as _Record;

    expect(dynamodbRecord(STREAM_ARN, 'eu-west-1', record)).toEqual({
      eventID: 'c81e728d9d4c2f636f067f89cc14862c',
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: 1767225607,
        Keys: { pk: { S: 'order#1' } },
        ...expected,
        SequenceNumber: '000000000000000000042',
        SizeBytes: 26,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: STREAM_ARN,
    });
  });

  it('writes binary attributes in base64, nested ones too, and omits the images a KEYS_ONLY stream lacks', () => {
    const bytes = new Uint8Array([1, 2, 255]);
    const record = {
      eventName: 'INSERT',
      dynamodb: {
        Keys: { id: { B: bytes } },
        NewImage: { id: { B: bytes }, tags: { BS: [bytes] }, doc: { M: { raw: { B: bytes }, list: { L: [{ B: bytes }, { BOOL: true }] } } } },
        SequenceNumber: '1',
        StreamViewType: 'NEW_IMAGE',
      },
    } as unknown as _Record;

    const mapped = dynamodbRecord(STREAM_ARN, 'us-east-1', record);

    const b64 = Buffer.from(bytes).toString('base64');
    expect(mapped.dynamodb).toEqual({
      Keys: { id: { B: b64 } },
      NewImage: { id: { B: b64 }, tags: { BS: [b64] }, doc: { M: { raw: { B: b64 }, list: { L: [{ B: b64 }, { BOOL: true }] } } } },
      SequenceNumber: '1',
      StreamViewType: 'NEW_IMAGE',
    });
    expect(mapped.awsRegion).toBe('us-east-1');
    expect(mapped.eventVersion).toBe('1.1');
    expect(JSON.parse(JSON.stringify(mapped))).toEqual(mapped);
  });

  it('names the service that deleted an expired item (TTL)', () => {
    const record = {
      eventName: 'REMOVE',
      userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' },
      dynamodb: { SequenceNumber: '9' },
    } as _Record;
    expect(dynamodbRecord(STREAM_ARN, 'us-east-1', record).userIdentity).toEqual({ type: 'Service', principalId: 'dynamodb.amazonaws.com' });
  });
});

describe('firstFailure: the partial batch response, identified by dynamodb.SequenceNumber (or kinesis.sequenceNumber)', () => {
  const records = ['100', '200', '300'].map((sequenceNumber): PolledRecord => ({ sequenceNumber, arrivedAt: 0, partitionKey: '', lambdaRecord: {} }));
  const report = { reportBatchItemFailures: true };

  it.each([
    ['no report', null, -1],
    ['an empty list', { batchItemFailures: [] }, -1],
    ['the lowest of the failed items', { batchItemFailures: [{ itemIdentifier: '300' }, { itemIdentifier: '200' }] }, 1],
    ['an identifier not in the batch: the whole batch', { batchItemFailures: [{ itemIdentifier: '999' }] }, 0],
    ['an empty identifier: the whole batch', { batchItemFailures: [{ itemIdentifier: '' }] }, 0],
    ['a null entry: the whole batch', { batchItemFailures: [null] }, 0],
    ['a list that is not one: the whole batch', { batchItemFailures: 'all' }, 0],
  ])('%s', (_, payload, expected) => {
    expect(firstFailure(report, records, payload)).toBe(expected);
  });

  it('is ignored when the mapping does not report batch item failures', () => {
    expect(firstFailure({ reportBatchItemFailures: false }, records, { batchItemFailures: [{ itemIdentifier: '200' }] })).toBe(-1);
  });
});
