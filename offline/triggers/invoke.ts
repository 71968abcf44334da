import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { LambdaClient } from '@aws-sdk/client-lambda';

export type Invocation = { ok: true; payload: unknown } | { ok: false; error: { errorType: string; errorMessage: string; stackTrace?: string[] } };

/** Invokes a function synchronously through serverless-offline's Lambda API and reads its outcome. */
export async function invoke(lambda: LambdaClient, functionName: string, event: unknown): Promise<Invocation> {
  let result;
  try {
    result = await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(event)) }));
  } catch (error) {
    return { ok: false, error: { errorType: (error as Error).name, errorMessage: (error as Error).message } };
  }
  const text = result.Payload ? Buffer.from(result.Payload).toString('utf8') : '';
  const payload = parse(text);
  if (result.FunctionError || (result.StatusCode ?? 200) >= 300) {
    const error = (payload ?? {}) as { errorType?: string; errorMessage?: string; stackTrace?: string[] };
    return { ok: false, error: { errorType: error.errorType ?? 'Error', errorMessage: error.errorMessage ?? text, stackTrace: error.stackTrace } };
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
