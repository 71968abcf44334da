import { performance } from 'node:perf_hooks';
import type { Hop } from '../cloud/trace/hop';
import { appendLines, type LateLogLines } from '../cloud/trace/log-lines';
import type { InvocationBatch } from '../cloud/trace/tracer';
import type { InvocationWrapper } from './invocations';

/** How long hops wait to go to the cloud's process together: one IPC message for many invocations. */
const FLUSH_MS = 20;
/** Request ids of ended invocations whose late log lines are still taken (a worker thread's output arrives after its answer). */
const RECENT_REQUESTS = 1000;

/**
 * Records each invocation of this process as a hop (its event and answer as they are: they are
 * serialised once, with the batch sent to the local cloud's process, where the trace store files them),
 * with the log lines that name its request id (`logLine`, fed by plugin/log-tap.ts): those of a
 * running invocation go with its hop, later ones on their own for the store to add to it.
 * With `tracing` off it records nothing; the faults used are reported either way.
 */
export function createInvocationRecorder(options: { tracing: boolean; send(batch: InvocationBatch): void }) {
  let hops: Hop[] = [];
  let faultsUsed: number[] = [];
  let late = new Map<string, string[]>();
  let timer: NodeJS.Timeout | undefined;
  // The lines of each running invocation, by request id; then the ids of the last ones that ended.
  const running = new Map<string, string[]>();
  const ended = new Set<string>();
  const flush = () => {
    timer = undefined;
    const batch: InvocationBatch = { hops, faultsUsed };
    if (late.size) batch.logs = [...late].map(([requestId, lines]): LateLogLines => ({ requestId, lines }));
    hops = [];
    faultsUsed = [];
    late = new Map();
    options.send(batch);
  };
  const later = () => (timer ??= setTimeout(flush, FLUSH_MS).unref());

  const end = (requestId: string) => {
    running.delete(requestId);
    ended.add(requestId);
    if (ended.size > RECENT_REQUESTS) ended.delete(ended.values().next().value as string);
  };

  const wrapper: InvocationWrapper = async (invocation, run) => {
    const at = Date.now();
    const started = performance.now();
    const logs: string[] = [];
    running.set(invocation.requestId, logs);
    const hop = (fields: Partial<Hop> & Pick<Hop, 'outcome'>): Hop => ({
      kind: 'invocation',
      at,
      function: invocation.functionKey,
      requestId: invocation.requestId,
      ...(invocation.context?.attempt !== undefined && { attempt: invocation.context.attempt }),
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      event: invocation.event,
      ...(invocation.fault && {
        fault: { id: invocation.fault.id, mode: invocation.fault.mode, ...(invocation.fault.delayMs && { delayMs: invocation.fault.delayMs }) },
      }),
      ...(logs.length && { logs }),
      ...fields,
    });
    try {
      const response = await run();
      hops.push(hop({ outcome: 'ok', response }));
      return response;
    } catch (error) {
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      hops.push(hop({ outcome: name === 'Sandbox.Timedout' ? 'timeout' : 'error', error: { errorType: name, errorMessage: message } }));
      throw error;
    } finally {
      end(invocation.requestId);
      later();
    }
  };

  /** A log line naming `requestId`: with its invocation's hop, or after it if it ended; dropped if it is none of ours. */
  function logLine(requestId: string, line: string): void {
    const lines = running.get(requestId);
    if (lines) {
      appendLines(lines, [line]);
      return;
    }
    if (!ended.has(requestId)) return;
    late.set(requestId, appendLines(late.get(requestId), [line]));
    later();
  }

  return {
    wrapper: options.tracing ? wrapper : undefined,
    logLine: options.tracing ? logLine : undefined,
    faultUsed(id: number) {
      faultsUsed.push(id);
      later();
    },
  };
}
