import type { Context } from 'aws-lambda';

/** The Context Lambda passes a function of the local stage; Powertools' logger reads it. */
export function lambdaContext(functionName: string): Context {
  const name = `orderflow-local-${functionName}`;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: '256',
    awsRequestId: '1f0e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: '2026/11/22/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
