import { getEnvironmentData } from 'node:worker_threads';

// The local cloud shares its clock offset with the functions it runs (offline/README.md, "Time"): a
// SharedArrayBuffer under this key, read on each call so that an advance is seen at once, in every
// thread. On Lambda the key is unset and the clock is the system's.
const shared = getEnvironmentData('local-cloud.clock');
const offset = shared instanceof SharedArrayBuffer ? new BigInt64Array(shared) : undefined;

/** Now, as the handlers' domain code takes it (`clock` in its dependencies). */
export const systemClock = (): Date => new Date(offset ? Date.now() + Number(Atomics.load(offset, 0)) : Date.now());
