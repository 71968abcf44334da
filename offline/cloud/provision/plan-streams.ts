import { parseDestination, type Destination } from '../lambda/destinations';
import type { Resolver } from './intrinsics';

export type StartingPosition = 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';

/** A Kinesis or DynamoDB Streams event source mapping. */
export type StreamConsumerPlan = {
  functionKey: string;
  functionName: string;
  source: 'kinesis' | 'dynamodb';
  /** The Kinesis stream's name, or the DynamoDB table's name (its stream is found from the table). */
  stream: string;
  /** The ARN serverless.yml gave (for DynamoDB it names the stream label of its deploy, not the local one). */
  arn: string;
  enabled: boolean;
  batchSize: number;
  /** MaximumBatchingWindowInSeconds (`batchWindow` in serverless.yml). */
  batchWindowSeconds: number;
  startingPosition: StartingPosition;
  startingPositionTimestamp?: number;
  bisectBatchOnFunctionError: boolean;
  maximumRetryAttempts: number;
  maximumRecordAgeInSeconds: number;
  reportBatchItemFailures: boolean;
  parallelizationFactor: number;
  filterPatterns?: unknown[];
  onFailure?: Destination;
  /** A Kinesis enhanced fan-out consumer; read with GetRecords all the same, which delivers the same records. */
  consumer?: string | true;
};

const AWS_DEFAULT_BATCH_SIZE = 100;

/**
 * One `stream` event of a function as an event source mapping, with Lambda's defaults, or a
 * configuration error naming the function, the event and the property.
 */
export function planStreamEvent(
  event: unknown,
  /** `index`: the event's place in the function's `events`. */
  target: { functionKey: string; functionName: string; index: number },
  { text }: Pick<Resolver, 'text'>,
  warnings: string[],
): StreamConsumerPlan {
  const where = `function ${target.functionKey}, events[${target.index}].stream`;
  const fail = (property: string, problem: string): never => {
    throw new Error(`${where}: ${property} ${problem}`);
  };
  const spec = (typeof event === 'object' && event !== null ? event : { arn: event }) as Record<string, unknown>;
  if (spec.arn === undefined) fail('arn', 'is required');
  const arn = text(spec.arn);
  const service = arn.split(':')[2];
  const source = (spec.type ?? service) as 'kinesis' | 'dynamodb';
  if (source !== 'kinesis' && source !== 'dynamodb') fail('type', `must be kinesis or dynamodb, found ${String(source)}`);
  if (service !== source) fail('arn', `is not a ${String(source)} stream: ${arn}`);

  const integer = (property: string, fallback: number, min: number, max: number): number => {
    const value = spec[property] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      fail(property, `must be an integer from ${min} to ${max}, found ${JSON.stringify(value)}`);
    return value as number;
  };
  const flag = (property: string): boolean => {
    const value = spec[property] ?? false;
    if (typeof value !== 'boolean') fail(property, `must be true or false, found ${JSON.stringify(value)}`);
    return value as boolean;
  };

  const startingPosition = spec.startingPosition ?? 'TRIM_HORIZON';
  const positions = source === 'kinesis' ? ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'] : ['TRIM_HORIZON', 'LATEST'];
  if (!positions.includes(startingPosition as string))
    fail('startingPosition', `must be one of ${positions.join(', ')} for ${source}, found ${JSON.stringify(startingPosition)}`);
  let startingPositionTimestamp: number | undefined;
  if (startingPosition === 'AT_TIMESTAMP') {
    startingPositionTimestamp = spec.startingPositionTimestamp as number;
    if (typeof startingPositionTimestamp !== 'number')
      fail('startingPositionTimestamp', 'is required (seconds since the epoch) with startingPosition AT_TIMESTAMP');
  }

  const maximumRecordAgeInSeconds = integer('maximumRecordAgeInSeconds', -1, -1, 604_800);
  if (maximumRecordAgeInSeconds >= 0 && maximumRecordAgeInSeconds < 60)
    fail('maximumRecordAgeInSeconds', `must be -1 or from 60 to 604800, found ${maximumRecordAgeInSeconds}`);
  const responseType = spec.functionResponseType;
  if (responseType !== undefined && responseType !== 'ReportBatchItemFailures')
    fail('functionResponseType', `must be ReportBatchItemFailures, found ${JSON.stringify(responseType)}`);
  const filterPatterns = spec.filterPatterns;
  if (filterPatterns !== undefined && !Array.isArray(filterPatterns)) fail('filterPatterns', 'must be a list of patterns');
  const onFailure = (spec.destinations as { onFailure?: unknown } | undefined)?.onFailure;
  if (spec.tumblingWindowInSeconds !== undefined) warnings.push(`${target.functionKey}: stream.tumblingWindowInSeconds is not run locally`);

  return {
    functionKey: target.functionKey,
    functionName: target.functionName,
    source,
    stream:
      source === 'kinesis'
        ? kinesisStreamName(arn)
        : dynamodbTableName(arn, () => fail('arn', `must be a table's stream ARN (…:table/<name>/stream/<label>), found ${arn}`)),
    arn,
    enabled: spec.enabled !== false,
    batchSize: integer('batchSize', AWS_DEFAULT_BATCH_SIZE, 1, 10_000),
    batchWindowSeconds: integer('batchWindow', 0, 0, 300),
    startingPosition: startingPosition as StartingPosition,
    ...(startingPositionTimestamp !== undefined ? { startingPositionTimestamp } : {}),
    bisectBatchOnFunctionError: flag('bisectBatchOnFunctionError'),
    maximumRetryAttempts: integer('maximumRetryAttempts', -1, -1, 10_000),
    maximumRecordAgeInSeconds,
    reportBatchItemFailures: responseType === 'ReportBatchItemFailures',
    parallelizationFactor: integer('parallelizationFactor', 1, 1, 10),
    ...(filterPatterns ? { filterPatterns: filterPatterns as unknown[] } : {}),
    ...(onFailure !== undefined ? { onFailure: streamDestination(onFailure, text, `${where}, destinations.onFailure`) } : {}),
    ...(spec.consumer !== undefined && spec.consumer !== false ? { consumer: spec.consumer === true ? true : text(spec.consumer) } : {}),
  };
}

/** `arn:aws:kinesis:<r>:<a>:stream/<name>`, or a consumer's `…:stream/<name>/consumer/<c>:<t>`. */
const kinesisStreamName = (arn: string): string =>
  arn
    .split(':')[5]
    .replace(/^stream\//, '')
    .split('/')[0];

/** `arn:aws:dynamodb:<r>:<a>:table/<name>/stream/<label>` */
function dynamodbTableName(arn: string, invalid: () => never): string {
  const match = /^table\/([^/]+)\/stream\/.+$/.exec(arn.split(':').slice(5).join(':'));
  return match ? match[1] : invalid();
}

/** The on-failure destination of a stream mapping: Lambda sends discarded stream batches to SQS, SNS or S3 only. */
function streamDestination(value: unknown, text: Resolver['text'], where: string): Destination {
  const destination = parseDestination(value, text, where);
  if (!['sqs', 'sns', 's3'].includes(destination.kind))
    throw new Error(`${where}: must be the ARN of an SQS queue, SNS topic or S3 bucket, found ${destination.arn}`);
  return destination;
}
