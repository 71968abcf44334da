import { failureRecord, functionArn } from '../../../../offline/cloud/lambda/failure-record';

const ARN = functionArn('us-east-1', '000000000000', 'orderflow-local-reserveInventory');

describe('functionArn', () => {
  it("is the function's unqualified Lambda ARN", () => {
    expect(ARN).toBe('arn:aws:lambda:us-east-1:000000000000:function:orderflow-local-reserveInventory');
  });
});

describe('failureRecord', () => {
  it('describes an async invocation whose retries ran out, as Lambda sends it to an on-failure destination', () => {
    const error = { errorType: 'Error', errorMessage: 'stock service down', stackTrace: ['Error: stock service down'] };
    const event = { Records: [{ EventSource: 'aws:sns' }] };

    const record = failureRecord({ functionArn: ARN, condition: 'RetriesExhausted', approximateInvokeCount: 3, error, requestPayload: event });

    expect(record).toEqual({
      version: '1.0',
      timestamp: expect.any(String),
      requestContext: { requestId: expect.any(String), functionArn: `${ARN}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: error,
    });
    expect(new Date(record.timestamp).toISOString()).toBe(record.timestamp);
  });

  it('has no response and no function error for an event that expired before it ran', () => {
    const record = failureRecord({ functionArn: ARN, condition: 'EventAgeExceeded', approximateInvokeCount: 0, requestPayload: { Records: [] } });

    expect(record.requestContext.condition).toBe('EventAgeExceeded');
    expect(record.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST' });
    expect(record).not.toHaveProperty('responsePayload');
  });

  it('describes a discarded Kinesis batch by its position, without the records', () => {
    const batchInfo = { shardId: 'shardId-000000000000', startSequenceNumber: '1', endSequenceNumber: '9', batchSize: 3, streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s' };

    const record = failureRecord({ functionArn: ARN, condition: 'RetryAttemptsExhausted', approximateInvokeCount: 4, batchInfo });

    expect(record.KinesisBatchInfo).toEqual(batchInfo);
    expect(record).not.toHaveProperty('requestPayload');
  });

  it('gives every record a request id of its own', () => {
    const make = () => failureRecord({ functionArn: ARN, condition: 'RecordAgeExceeded', approximateInvokeCount: 0 });

    expect(make().requestContext.requestId).not.toBe(make().requestContext.requestId);
  });
});
