// The local cloud's clock API (offline/README.md, "Time"), for tests: on the console's port.

import { consoleOk } from './console-api';

/** Moves the local cloud's clock `seconds` forward; settles once the functions see it. Returns `{ now, offsetSeconds }`. */
export const advanceClock = async (consoleUrl: string, seconds: number) => consoleOk(consoleUrl, 'POST', '/api/clock/advance', { seconds });

/** Fires the function's schedule(s) now. */
export const fireSchedule = async (consoleUrl: string, functionKey: string) =>
  consoleOk(consoleUrl, 'POST', `/api/schedules/${encodeURIComponent(functionKey)}/fire`);

/** Ends the queues' pending delays and visibility timeouts now. */
export const skipDelays = async (consoleUrl: string) => consoleOk(consoleUrl, 'POST', '/api/clock/skip-delays');
