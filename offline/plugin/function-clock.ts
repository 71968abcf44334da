import { setEnvironmentData } from 'node:worker_threads';

/**
 * The clock contract between the local cloud and the functions (offline/README.md, "Time"): under the
 * key below, `getEnvironmentData` of node:worker_threads gives a SharedArrayBuffer whose BigInt64Array
 * element 0 is the local cloud's clock offset in ms (read it with Atomics.load). Environment data is
 * copied into every worker thread created afterwards, and a SharedArrayBuffer is shared, not copied: so
 * in-process handlers, serverless-offline's and serverless-offline-sqs's worker threads and
 * `sls invoke local` all read the one value, at the cost of a memory read. On AWS the key is unset.
 */
export const LOCAL_CLOCK_KEY = 'local-cloud.clock';

/** Shares the clock offset with every function this process runs, from now on; `set` moves it. */
export function shareClockWithFunctions(offsetMs = 0): { set(offsetMs: number): void } {
  const shared = new SharedArrayBuffer(8);
  const offset = new BigInt64Array(shared);
  Atomics.store(offset, 0, BigInt(Math.round(offsetMs)));
  setEnvironmentData(LOCAL_CLOCK_KEY, shared);
  return { set: (ms) => void Atomics.store(offset, 0, BigInt(Math.round(ms))) };
}
