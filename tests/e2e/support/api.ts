import { mintToken } from '../../../lib/auth/mint-token';
import { contractProblems } from '../../support/openapi-validator';
import { E2E_ENV, E2E_PORTS } from './ports';

export const API = `http://127.0.0.1:${E2E_PORTS.http}`;

export const tokenFor = (customerId: string) => mintToken(customerId, E2E_ENV.AUTH_JWT_SECRET);

export type Answer = { status: number; headers: Headers; body: any };

/** One HTTP call to the local API; the body is parsed when it is JSON. */
export async function call(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const response = await fetch(`${API}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  // Every answer of a documented route must conform to docs/openapi.json; paths the API does not
  // have (a fuzz test's probes) are answered by the local HTTP server itself and not checked.
  const problems = contractProblems(method, path, response.status, body).filter((problem) => !problem.endsWith('is not in the OpenAPI document'));
  if (problems.length) throw new Error(`The answer breaks the OpenAPI contract:\n${problems.join('\n')}\nbody: ${text.slice(0, 500)}`);
  return { status: response.status, headers: response.headers, body };
}

/** Polls until `probe` returns a value, or fails after the deadline with the last thing it saw. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last instanceof Error ? last.message : JSON.stringify(last)}` : ''}`);
}

const TERMINAL = new Set(['CONFIRMED', 'PAYMENT_FAILED', 'CANCELLED', 'EXPIRED']);

/** Places an order and waits for it to reach a terminal status; returns the final order. */
export async function placeAndSettle(token: string, body: unknown, timeoutMs = 20_000) {
  const placed = await call('POST', '/orders', { token, body });
  if (placed.status !== 202) throw new Error(`POST /orders answered ${placed.status}: ${JSON.stringify(placed.body)}`);
  return settled(token, placed.body.orderId, timeoutMs);
}

export async function settled(token: string, orderId: string, timeoutMs = 20_000) {
  return eventually(
    async () => {
      const { body } = await call('GET', `/orders/${orderId}`, { token });
      return TERMINAL.has(body?.status) ? body : undefined;
    },
    `order ${orderId} to settle`,
    timeoutMs,
  );
}
