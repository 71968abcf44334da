import type { Invoker } from '../cloud/lambda/invoke';
import { withInvocationContext } from './invocations';

type FunctionDefinitions = Record<string, { name?: string }>;

/** The parts of serverless-offline's Lambda runtime (serverless-offline/lambda) used here. */
type OfflineLambda = {
  create(lambdas: { functionKey: string; functionDefinition: unknown }[]): void;
  listFunctionNames(): string[];
  getByFunctionName(functionName: string): { setEvent(event: unknown): void; runHandler(): Promise<unknown> };
  cleanup(): Promise<void>;
};

/** The name of the error serverless-offline (patched) throws when a function outlives its timeout, as Lambda names it. */
const TIMED_OUT = 'Sandbox.Timedout';

/** serverless-offline's Lambda runtime; a name in a variable: Node resolves it, not the type checker. */
export const OFFLINE_RUNTIME = 'serverless-offline/lambda';

/**
 * Invokes the functions in this (the Serverless) process through a Lambda runtime of serverless-offline
 * of our own, as serverless-offline-sqs does for its queues: the local cloud's async and stream event
 * sources reach a function the way Lambda's own do, without a request to the public Invoke API (an
 * SDK call, an HTTP round trip and a hapi route per invocation). The HTTP server it comes with is
 * never started.
 */
export async function directInvoker(serverless: unknown, options: Record<string, unknown>, functions: FunctionDefinitions) {
  const { default: Lambda } = (await import(OFFLINE_RUNTIME)) as { default: new (serverless: unknown, options: Record<string, unknown>) => OfflineLambda };
  const lambda = new Lambda(serverless, options);
  lambda.create(Object.entries(functions).map(([functionKey, functionDefinition]) => ({ functionKey, functionDefinition })));

  const invoke: Invoker = async (functionName, event, context) => {
    if (!lambda.listFunctionNames().includes(functionName)) {
      return { ok: false, error: { errorType: 'ResourceNotFoundException', errorMessage: `Function not found: ${functionName}` } };
    }
    const fn = lambda.getByFunctionName(functionName);
    if (context) withInvocationContext(event, context);
    fn.setEvent(event);
    try {
      return { ok: true, payload: await fn.runHandler() };
    } catch (error) {
      // What Lambda reports of a function error: its name, message and stack; of a timeout, no stack
      // (the one here would be serverless-offline's timer, not the function's).
      const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
      if (name === TIMED_OUT) return { ok: false, error: { errorType: name, errorMessage: message } };
      return { ok: false, error: { errorType: name, errorMessage: message, trace: String(stack).split('\n') } };
    }
  };
  return { invoke, stop: () => lambda.cleanup() };
}
