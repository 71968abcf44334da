// The local cloud's clock API (offline/README.md, "Time"), for tests: on the console's port.

type Answer = { status: number; body: any };

async function post(consoleUrl: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${consoleUrl}${path}`, {
    method: 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = { status: response.status, body: await response.json() };
  if (response.status !== 200) throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(answer.body)}`);
  return answer;
}

/** Moves the local cloud's clock `seconds` forward; settles once the functions see it. Returns `{ now, offsetSeconds }`. */
export const advanceClock = async (consoleUrl: string, seconds: number) => (await post(consoleUrl, '/api/clock/advance', { seconds })).body;

/** Fires the function's schedule(s) now. */
export const fireSchedule = async (consoleUrl: string, functionKey: string) =>
  (await post(consoleUrl, `/api/schedules/${encodeURIComponent(functionKey)}/fire`)).body;

/** Ends the queues' pending delays and visibility timeouts now. */
export const skipDelays = async (consoleUrl: string) => (await post(consoleUrl, '/api/clock/skip-delays')).body;
