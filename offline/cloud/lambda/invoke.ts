import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { LambdaClient } from '@aws-sdk/client-lambda';

export type FunctionError = { errorType: string; errorMessage: string; trace?: string[]; stackTrace?: string[] };

export type Invocation = { ok: true; payload: unknown } | { ok: false; error: FunctionError };

/**
 * How the event sources invoke a function and learn its outcome: in the local cloud, a message to the
 * functions' process (cloud-process.ts); in tests, or from outside that process, the Lambda API.
 */
export type Invoker = (functionName: string, event: unknown, context?: InvocationContext) => Promise<Invocation>;

/** What an event source tells of an invocation, for the traces: which attempt of its event it is. */
export type InvocationContext = { attempt?: number };

/** An Invoker over serverless-offline's Lambda API. */
export const lambdaApiInvoker =
  (lambda: LambdaClient): Invoker =>
  (functionName, event) =>
    invoke(lambda, functionName, event);

/** Invokes a function synchronously through serverless-offline's Lambda API and reads its outcome. */
export async function invoke(lambda: LambdaClient, functionName: string, event: unknown): Promise<Invocation> {
  let result;
  try {
    result = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(event)) }),
    );
  } catch (error) {
    return { ok: false, error: { errorType: (error as Error).name, errorMessage: (error as Error).message } };
  }
  const text = result.Payload ? Buffer.from(result.Payload).toString('utf8') : '';
  const payload = parse(text);
  if (result.FunctionError || (result.StatusCode ?? 200) >= 300) {
    // Kept as the function reported it (errorType, errorMessage, trace), as AWS passes it on.
    const error = (payload !== null && typeof payload === 'object' ? payload : {}) as Partial<FunctionError>;
    return { ok: false, error: { ...error, errorType: error.errorType ?? 'Error', errorMessage: error.errorMessage ?? text } };
  }
  return { ok: true, payload };
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}
