import { planStreamEvent } from '../../../../offline/cloud/provision/plan-streams';

const TARGET = { functionKey: 'onChange', functionName: 'shop-local-onChange', index: 2 };
const TABLE_STREAM = 'arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2026-01-01T00:00:00.000';
const KINESIS = 'arn:aws:kinesis:us-east-1:000000000000:stream/clicks';
/** Resolves only strings: enough for events that carry ARNs. */
const text = (value: unknown) => {
  if (typeof value !== 'string') throw new Error(`Expected a name or ARN, got ${JSON.stringify(value)}`);
  return value;
};
const plan = (event: unknown, warnings: string[] = []) => planStreamEvent(event, TARGET, { text }, warnings);

describe('planStreamEvent', () => {
  it('plans a DynamoDB stream event with every property Serverless takes', () => {
    const warnings: string[] = [];

    const mapping = plan(
      {
        type: 'dynamodb',
        arn: TABLE_STREAM,
        batchSize: 25,
        batchWindow: 5,
        startingPosition: 'LATEST',
        maximumRetryAttempts: 4,
        maximumRecordAgeInSeconds: 120,
        bisectBatchOnFunctionError: true,
        functionResponseType: 'ReportBatchItemFailures',
        parallelizationFactor: 3,
        filterPatterns: [{ eventName: ['INSERT'] }],
        destinations: { onFailure: { arn: 'arn:aws:sns:us-east-1:000000000000:alerts', type: 'sns' } },
        enabled: false,
      },
      warnings,
    );

    expect(mapping).toEqual({
      functionKey: 'onChange',
      functionName: 'shop-local-onChange',
      source: 'dynamodb',
      stream: 'orders',
      arn: TABLE_STREAM,
      enabled: false,
      batchSize: 25,
      batchWindowSeconds: 5,
      startingPosition: 'LATEST',
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 4,
      maximumRecordAgeInSeconds: 120,
      reportBatchItemFailures: true,
      parallelizationFactor: 3,
      filterPatterns: [{ eventName: ['INSERT'] }],
      onFailure: { kind: 'sns', arn: 'arn:aws:sns:us-east-1:000000000000:alerts', name: 'alerts' },
    });
    expect(warnings).toEqual([]);
  });

  it.each([
    [
      'a bare ARN string (type from the ARN)',
      TABLE_STREAM,
      { source: 'dynamodb', stream: 'orders', batchSize: 100, startingPosition: 'TRIM_HORIZON', enabled: true },
    ],
    [
      'a Kinesis stream at a timestamp',
      { arn: KINESIS, startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: 1767225600 },
      { source: 'kinesis', stream: 'clicks', startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: 1767225600 },
    ],
    ['a Kinesis enhanced fan-out consumer', { type: 'kinesis', arn: KINESIS, consumer: true }, { stream: 'clicks', consumer: true }],
    [
      'an S3 on-failure destination',
      { arn: KINESIS, destinations: { onFailure: 'arn:aws:s3:::failed-batches' } },
      { onFailure: { kind: 's3', arn: 'arn:aws:s3:::failed-batches', name: 'failed-batches' } },
    ],
  ])('plans %s', (_, event, expected) => {
    expect(plan(event)).toMatchObject(expected);
  });

  it('warns, in one line, that tumbling windows are not run', () => {
    const warnings: string[] = [];
    plan({ arn: KINESIS, tumblingWindowInSeconds: 60 }, warnings);
    expect(warnings).toEqual(['onChange: stream.tumblingWindowInSeconds is not run locally']);
  });

  it.each([
    [{ arn: KINESIS, type: 'kafka' }, 'function onChange, events[2].stream: type must be kinesis or dynamodb, found kafka'],
    [{ arn: KINESIS, type: 'dynamodb' }, 'function onChange, events[2].stream: arn is not a dynamodb stream'],
    [{ arn: 'arn:aws:dynamodb:us-east-1:000000000000:table/orders' }, "function onChange, events[2].stream: arn must be a table's stream ARN"],
    [{ arn: TABLE_STREAM, startingPosition: 'AT_TIMESTAMP' }, 'startingPosition must be one of TRIM_HORIZON, LATEST for dynamodb'],
    [{ arn: KINESIS, startingPosition: 'AT_TIMESTAMP' }, 'startingPositionTimestamp is required'],
    [{ arn: KINESIS, batchSize: 0 }, 'batchSize must be an integer from 1 to 10000, found 0'],
    [{ arn: KINESIS, batchWindow: 301 }, 'batchWindow must be an integer from 0 to 300'],
    [{ arn: KINESIS, parallelizationFactor: 11 }, 'parallelizationFactor must be an integer from 1 to 10'],
    [{ arn: KINESIS, maximumRecordAgeInSeconds: 30 }, 'maximumRecordAgeInSeconds must be -1 or from 60 to 604800'],
    [{ arn: KINESIS, bisectBatchOnFunctionError: 'yes' }, 'bisectBatchOnFunctionError must be true or false'],
    [{ arn: KINESIS, functionResponseType: 'Partial' }, 'functionResponseType must be ReportBatchItemFailures'],
    [
      { arn: KINESIS, destinations: { onFailure: 'arn:aws:lambda:us-east-1:000000000000:function:f' } },
      'function onChange, events[2].stream, destinations.onFailure: must be the ARN of an SQS queue, SNS topic or S3 bucket',
    ],
    [{ type: 'kinesis' }, 'arn is required'],
  ])('refuses %j, naming the function, the event and the property', (event, message) => {
    expect(() => plan(event)).toThrow(message);
  });
});
