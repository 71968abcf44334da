import { createHash, randomUUID } from 'node:crypto';

/** Why Lambda sent an asynchronous invocation's record: it succeeded, or it failed for good. */
export type AsyncCondition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';
/** Why an event source mapping discarded a stream batch. */
export type StreamCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';
export type InvocationCondition = AsyncCondition | StreamCondition;

type FunctionErrorPayload = { errorType: string; errorMessage: string };

export const functionArn = (region: string, accountId: string, functionName: string) => `arn:aws:lambda:${region}:${accountId}:function:${functionName}`;

/** The record of an asynchronous invocation that succeeded, as Lambda sends it to an on-success destination. */
export function asyncSuccessRecord(input: { functionArn: string; approximateInvokeCount: number; requestPayload: unknown; responsePayload: unknown }) {
  return {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: requestContext(`${input.functionArn}:$LATEST`, 'Success', input.approximateInvokeCount),
    requestPayload: input.requestPayload,
    responseContext: { statusCode: 200, executedVersion: '$LATEST' },
    // A function that returns nothing returns null, as Lambda serialises it.
    responsePayload: input.responsePayload ?? null,
  };
}

/**
 * The record of an asynchronous invocation Lambda gave up on, as it sends it to an on-failure
 * destination: with the function's error after the last attempt, without one if the event expired
 * before it ran again.
 */
export function asyncFailureRecord(input: {
  functionArn: string;
  condition: Exclude<AsyncCondition, 'Success'>;
  approximateInvokeCount: number;
  requestPayload: unknown;
  error?: FunctionErrorPayload;
}) {
  return {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: requestContext(`${input.functionArn}:$LATEST`, input.condition, input.approximateInvokeCount),
    requestPayload: input.requestPayload,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(input.error ? { functionError: 'Unhandled' } : {}) },
    ...(input.error ? { responsePayload: input.error } : {}),
  };
}

/** Which batch info an on-failure record carries: Lambda names it after the stream's service. */
export type BatchInfoKey = 'KinesisBatchInfo' | 'DDBStreamBatchInfo';

/**
 * Where a discarded stream batch sits in its shard (the records themselves are not sent), from the
 * batch's records in order (sequence number, arrival in ms).
 */
export function streamBatchInfo(key: BatchInfoKey, streamArn: string, shardId: string, records: { sequenceNumber: string; arrivedAt: number }[]) {
  const first = records[0];
  const last = records[records.length - 1];
  // DynamoDB stamps records to the second, and AWS's records show it so: 2019-11-14T00:13:19Z.
  const at = (ms: number | undefined) => {
    const iso = new Date(ms ?? Date.now()).toISOString();
    return key === 'DDBStreamBatchInfo' ? iso.replace(/\.\d{3}Z$/, 'Z') : iso;
  };
  return {
    shardId,
    startSequenceNumber: first?.sequenceNumber ?? '',
    endSequenceNumber: last?.sequenceNumber ?? '',
    approximateArrivalOfFirstRecord: at(first?.arrivedAt),
    approximateArrivalOfLastRecord: at(last?.arrivedAt),
    batchSize: records.length,
    streamArn,
  };
}

export type StreamBatchInfo = ReturnType<typeof streamBatchInfo>;

/**
 * The record of a stream batch an event source mapping discarded, as it sends it to its on-failure
 * destination: the batch's position, not its records. `event` (the function's event for the batch)
 * becomes `payload`, which Lambda writes only to an S3 destination: the destination sender drops it
 * for the others.
 */
export function streamFailureRecord(input: {
  functionArn: string;
  condition: StreamCondition;
  approximateInvokeCount: number;
  /** Whether the last invocation failed (a batch that expired before it ran has no error). */
  functionError: boolean;
  batchInfoKey: BatchInfoKey;
  batchInfo: StreamBatchInfo;
  event?: unknown;
}) {
  return {
    // Stream records name the function unqualified (AWS's examples do).
    requestContext: requestContext(input.functionArn, input.condition, input.approximateInvokeCount),
    responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(input.functionError ? { functionError: 'Unhandled' } : {}) },
    version: '1.0',
    timestamp: new Date().toISOString(),
    [input.batchInfoKey]: input.batchInfo,
    ...(input.event !== undefined ? { payload: JSON.stringify(input.event) } : {}),
  };
}

export type InvocationRecord = ReturnType<typeof asyncSuccessRecord> | ReturnType<typeof asyncFailureRecord> | ReturnType<typeof streamFailureRecord>;

/**
 * The local event source mapping's UUID, which names the S3 objects of its failures: stable for a
 * function and its stream, as a real mapping's UUID is for its lifetime.
 */
export function eventSourceMappingUuid(functionArn: string, streamArn: string): string {
  const hex = createHash('sha1').update(`${functionArn}\n${streamArn}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function requestContext(functionArn: string, condition: InvocationCondition, approximateInvokeCount: number) {
  return { requestId: randomUUID(), functionArn, condition, approximateInvokeCount };
}
