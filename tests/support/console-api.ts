// The local cloud's console API (offline/README.md, "The console"), for tests and scripts.

export type Answer = { status: number; body: any };

/** One call of the console's JSON API; the answer whatever its status. */
export async function consoleCall(consoleUrl: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${consoleUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** A call that must succeed (2xx); anything else throws with the console's answer. */
export async function consoleOk(consoleUrl: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<any> {
  const answer = await consoleCall(consoleUrl, method, path, body);
  if (answer.status < 200 || answer.status > 299) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** A fault on demand: `{ function, mode: 'error' | 'timeout' | 'delay', count | percent, delayMs? }` or `{ service, action, error, ... }`. */
export const injectFault = (consoleUrl: string, fault: Record<string, unknown>) => consoleOk(consoleUrl, 'POST', '/api/faults', fault);

/** The faults still in force, with what is left of each. */
export const faultsInForce = async (consoleUrl: string): Promise<Record<string, unknown>[]> => (await consoleOk(consoleUrl, 'GET', '/api/faults')).faults;

export const clearFaults = (consoleUrl: string) => consoleOk(consoleUrl, 'DELETE', '/api/faults');
