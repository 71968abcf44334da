import { randomUUID } from 'node:crypto';

export type FailureCondition = 'RetriesExhausted' | 'EventAgeExceeded' | 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export const functionArn = (region: string, accountId: string, functionName: string) => `arn:aws:lambda:${region}:${accountId}:function:${functionName}`;

/** The record Lambda sends to an on-failure destination, in AWS's shape. */
export function failureRecord(input: {
  functionArn: string;
  condition: FailureCondition;
  approximateInvokeCount: number;
  error?: { errorType: string; errorMessage: string };
  requestPayload?: unknown;
  batchInfo?: Record<string, unknown>;
}) {
  return {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: randomUUID(),
      functionArn: `${input.functionArn}:$LATEST`,
      condition: input.condition,
      approximateInvokeCount: input.approximateInvokeCount,
    },
    ...(input.requestPayload !== undefined ? { requestPayload: input.requestPayload } : {}),
    responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(input.error ? { functionError: 'Unhandled' } : {}) },
    // Async invocation records carry the function's error; stream batch records only say there was one.
    ...(input.error && !input.batchInfo ? { responsePayload: input.error } : {}),
    ...(input.batchInfo ? { KinesisBatchInfo: input.batchInfo } : {}),
  };
}
