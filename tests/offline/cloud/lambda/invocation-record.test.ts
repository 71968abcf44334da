import {
  asyncFailureRecord,
  asyncSuccessRecord,
  eventSourceMappingUuid,
  functionArn,
  streamBatchInfo,
  streamFailureRecord,
} from '../../../../offline/cloud/lambda/invocation-record';

const ARN = functionArn('us-east-1', '000000000000', 'orderflow-local-reserveInventory');
const KINESIS_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/s';
const DDB_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-01-01T00:00:00.000';

describe('functionArn', () => {
  it("is the function's unqualified Lambda ARN", () => {
    expect(ARN).toBe('arn:aws:lambda:us-east-1:000000000000:function:orderflow-local-reserveInventory');
  });
});

describe('asyncSuccessRecord', () => {
  it("describes a successful async invocation with the function's result, as Lambda sends it to an on-success destination", () => {
    const event = { Records: [{ EventSource: 'aws:sns' }] };

    const record = asyncSuccessRecord({ functionArn: ARN, approximateInvokeCount: 2, requestPayload: event, responsePayload: { reserved: 3 } });

    expect(record).toEqual({
      version: '1.0',
      timestamp: expect.any(String),
      requestContext: { requestId: expect.any(String), functionArn: `${ARN}:$LATEST`, condition: 'Success', approximateInvokeCount: 2 },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      responsePayload: { reserved: 3 },
    });
    expect(new Date(record.timestamp).toISOString()).toBe(record.timestamp);
  });

  it('has a null response when the function returned nothing', () => {
    expect(asyncSuccessRecord({ functionArn: ARN, approximateInvokeCount: 1, requestPayload: {}, responsePayload: undefined }).responsePayload).toBeNull();
  });
});

describe('asyncFailureRecord', () => {
  it('describes an async invocation whose retries ran out, with the error, as Lambda sends it to an on-failure destination', () => {
    const error = { errorType: 'Error', errorMessage: 'stock service down' };
    const event = { Records: [{ EventSource: 'aws:sns' }] };

    const record = asyncFailureRecord({ functionArn: ARN, condition: 'RetriesExhausted', approximateInvokeCount: 3, error, requestPayload: event });

    expect(record).toEqual({
      version: '1.0',
      timestamp: expect.any(String),
      requestContext: { requestId: expect.any(String), functionArn: `${ARN}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: error,
    });
  });

  it('has no response and no function error for an event that expired before it ran', () => {
    const record = asyncFailureRecord({ functionArn: ARN, condition: 'EventAgeExceeded', approximateInvokeCount: 0, requestPayload: { Records: [] } });

    expect(record.requestContext.condition).toBe('EventAgeExceeded');
    expect(record.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST' });
    expect(record).not.toHaveProperty('responsePayload');
  });

  it('gives every record a request id of its own', () => {
    const make = () => asyncFailureRecord({ functionArn: ARN, condition: 'EventAgeExceeded', approximateInvokeCount: 0, requestPayload: {} });

    expect(make().requestContext.requestId).not.toBe(make().requestContext.requestId);
  });
});

describe('stream batch records', () => {
  const at = (iso: string) => new Date(iso).getTime();
  const kinesisRecords = [
    { sequenceNumber: '100', arrivedAt: at('2026-01-01T00:00:01.250Z') },
    { sequenceNumber: '101', arrivedAt: at('2026-01-01T00:00:02.500Z') },
    { sequenceNumber: '102', arrivedAt: at('2026-01-01T00:00:03.750Z') },
  ];
  const ddbRecords = [
    { sequenceNumber: '800000000003126276362', arrivedAt: at('2026-01-01T00:13:19.000Z') },
    { sequenceNumber: '800000000003126276363', arrivedAt: at('2026-01-01T00:13:21.000Z') },
  ];

  it("gives a Kinesis batch's position, in AWS's fields, from its records", () => {
    expect(streamBatchInfo('KinesisBatchInfo', KINESIS_ARN, 'shardId-000000000000', kinesisRecords)).toEqual({
      shardId: 'shardId-000000000000',
      startSequenceNumber: '100',
      endSequenceNumber: '102',
      approximateArrivalOfFirstRecord: '2026-01-01T00:00:01.250Z',
      approximateArrivalOfLastRecord: '2026-01-01T00:00:03.750Z',
      batchSize: 3,
      streamArn: KINESIS_ARN,
    });
  });

  it("gives a DynamoDB Streams batch's position, its arrival times to the second as AWS shows them", () => {
    expect(streamBatchInfo('DDBStreamBatchInfo', DDB_ARN, 'shardId-00000001573689847184-864758bb', ddbRecords)).toEqual({
      shardId: 'shardId-00000001573689847184-864758bb',
      startSequenceNumber: '800000000003126276362',
      endSequenceNumber: '800000000003126276363',
      approximateArrivalOfFirstRecord: '2026-01-01T00:13:19Z',
      approximateArrivalOfLastRecord: '2026-01-01T00:13:21Z',
      batchSize: 2,
      streamArn: DDB_ARN,
    });
  });

  it('describes a discarded Kinesis batch by its position, the function unqualified, without the records', () => {
    const record = streamFailureRecord({
      functionArn: ARN,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 4,
      functionError: true,
      batchInfoKey: 'KinesisBatchInfo',
      batchInfo: streamBatchInfo('KinesisBatchInfo', KINESIS_ARN, 'shardId-000000000000', kinesisRecords),
    });

    expect(record).toEqual({
      requestContext: { requestId: expect.any(String), functionArn: ARN, condition: 'RetryAttemptsExhausted', approximateInvokeCount: 4 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: expect.any(String),
      KinesisBatchInfo: expect.objectContaining({ startSequenceNumber: '100', batchSize: 3 }),
    });
  });

  it('describes a DynamoDB batch under DDBStreamBatchInfo, and carries the whole event as a JSON string when given (for S3)', () => {
    const event = { Records: [{ eventName: 'INSERT' }] };

    const record = streamFailureRecord({
      functionArn: ARN,
      condition: 'RecordAgeExceeded',
      approximateInvokeCount: 0,
      functionError: false,
      batchInfoKey: 'DDBStreamBatchInfo',
      batchInfo: streamBatchInfo('DDBStreamBatchInfo', DDB_ARN, 'shardId-1', ddbRecords),
      event,
    });

    expect(record).not.toHaveProperty('KinesisBatchInfo');
    expect(record).toMatchObject({
      DDBStreamBatchInfo: { shardId: 'shardId-1', batchSize: 2 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
    });
    expect(record.responseContext).not.toHaveProperty('functionError');
    expect(JSON.parse((record as { payload: string }).payload)).toEqual(event);
  });
});

describe('eventSourceMappingUuid', () => {
  it('is a UUID, stable for a function and stream, different for another stream', () => {
    const uuid = eventSourceMappingUuid(ARN, KINESIS_ARN);

    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventSourceMappingUuid(ARN, KINESIS_ARN)).toBe(uuid);
    expect(eventSourceMappingUuid(ARN, DDB_ARN)).not.toBe(uuid);
  });
});
