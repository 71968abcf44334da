import { setTimeout as sleep } from 'node:timers/promises';
import { createFaultTable, type FunctionFault } from '../cloud/trace/faults';

/** One invocation of a function of this process, whichever runtime runs it (HTTP, serverless-offline-sqs, the direct invoker). */
export type InvocationInfo = {
  functionKey: string;
  functionName: string;
  requestId: string;
  event: unknown;
  timeoutMs: number;
  /** The error Lambda reports for this invocation once it outlives its timeout. */
  timedOut(): Error;
  /** The fault injected into it (set by the faults' wrapper). */
  fault?: FunctionFault;
  /** What the local cloud's event source said of it (direct invocations only). */
  context?: InvocationContext;
};

export type InvocationContext = { attempt?: number; trigger?: string };

/** Wraps an invocation: returns (or throws) what `run()` does, or what it makes of it. */
export type InvocationWrapper = (invocation: InvocationInfo, run: () => Promise<unknown>) => Promise<unknown>;

/** serverless-offline's hook (patches/serverless-offline+13.9.0.patch: Lambda.setInvocationHook). */
type OfflineHook = (invocation: Omit<InvocationInfo, 'context' | 'fault'> & { run(): Promise<unknown> }) => Promise<unknown>;
export type OfflineLambdaClass = { setInvocationHook(hook: OfflineHook | null): void };

const wrappers: InvocationWrapper[] = [];
// The direct invoker's events, with what their event source knows (the attempt): looked up by the event itself.
const contexts = new WeakMap<object, InvocationContext>();

/**
 * Adds a wrapper around every invocation of this process (the first added is the outermost); returns
 * its removal. For the local cloud's own parts: traces and faults here, a clock for another.
 */
export function wrapInvocations(wrapper: InvocationWrapper): () => void {
  wrappers.push(wrapper);
  return () => void wrappers.splice(wrappers.indexOf(wrapper), 1);
}

export function withInvocationContext(event: unknown, context: InvocationContext): void {
  if (event !== null && typeof event === 'object') contexts.set(event, context);
}

/** Installs the one hook serverless-offline calls for every invocation of this process. */
export function installInvocationHook(Lambda: OfflineLambdaClass): void {
  Lambda.setInvocationHook(({ run, ...info }) => {
    const context = info.event !== null && typeof info.event === 'object' ? contexts.get(info.event) : undefined;
    const invocation: InvocationInfo = context ? { ...info, context } : info;
    let next = run;
    for (let i = wrappers.length - 1; i >= 0; i--) {
      const wrapper = wrappers[i];
      const inner = next;
      next = () => wrapper(invocation, inner);
    }
    return next();
  });
}

/**
 * Function faults (POST /api/faults), applied before the handler runs, as FIS's Lambda actions do:
 * `error` fails the invocation without running it, `timeout` fails it at once with the error Lambda
 * reports after the function's timeout (not waiting it out: what an event source sees is the same
 * error; only the invocation's duration differs), `delay` holds it delayMs before it runs (a delay
 * past the timeout waits the timeout out, then fails with that error).
 */
export function createFunctionFaults(onUsed: (fault: FunctionFault) => void) {
  const table = createFaultTable();
  const wrapper: InvocationWrapper = async (invocation, run) => {
    const fault = table.takeForFunction(invocation.functionKey, invocation.functionName);
    if (!fault) return run();
    invocation.fault = fault;
    onUsed(fault);
    if (fault.mode === 'delay') {
      await sleep(Math.min(fault.delayMs!, invocation.timeoutMs));
      if (fault.delayMs! >= invocation.timeoutMs) throw invocation.timedOut();
      return run();
    }
    if (fault.mode === 'timeout') throw invocation.timedOut();
    const error = new Error(`Fault injected by the local cloud (POST /api/faults): ${fault.function} fails this invocation`);
    error.name = 'InjectedFault';
    throw error;
  };
  return { table, wrapper };
}
