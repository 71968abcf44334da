import { performance } from 'node:perf_hooks';
import type { Hop } from '../cloud/trace/hop';
import type { InvocationBatch } from '../cloud/trace/tracer';
import type { InvocationWrapper } from './invocations';

/** How long hops wait to go to the cloud's process together: one IPC message for many invocations. */
const FLUSH_MS = 20;

/**
 * Records each invocation of this process as a hop (its event and answer as they are: they are
 * serialised once, with the batch sent to the local cloud's process, where the trace store files them).
 * With `tracing` off it records nothing; the faults used are reported either way.
 */
export function createInvocationRecorder(options: { tracing: boolean; send(batch: InvocationBatch): void }) {
  let hops: Hop[] = [];
  let faultsUsed: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const batch = { hops, faultsUsed };
    hops = [];
    faultsUsed = [];
    options.send(batch);
  };
  const later = () => (timer ??= setTimeout(flush, FLUSH_MS).unref());

  const wrapper: InvocationWrapper = async (invocation, run) => {
    const at = Date.now();
    const started = performance.now();
    const hop = (fields: Partial<Hop> & Pick<Hop, 'outcome'>): Hop => ({
      kind: 'invocation',
      at,
      function: invocation.functionKey,
      ...(invocation.context?.attempt !== undefined && { attempt: invocation.context.attempt }),
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      event: invocation.event,
      ...(invocation.fault && {
        fault: { id: invocation.fault.id, mode: invocation.fault.mode, ...(invocation.fault.delayMs && { delayMs: invocation.fault.delayMs }) },
      }),
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
      later();
    }
  };
  return {
    wrapper: options.tracing ? wrapper : undefined,
    faultUsed(id: number) {
      faultsUsed.push(id);
      later();
    },
  };
}
