import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from './ports';

/** The event a consumer sent: tests read it freely, as a handler would. */

type Event = any;

/** What a scripted function does on its n-th invocation (1-based): return a payload, or throw. */
export type Behaviour = (event: Event, invocation: number) => { returns: unknown } | { throws: string };

export type Invocation = { event: Event; at: number };

export const succeed =
  (payload: unknown = null): Behaviour =>
  () => ({ returns: payload });
export const alwaysFail =
  (message = 'boom'): Behaviour =>
  () => ({ throws: message });
export const failTimes =
  (times: number, message = 'boom'): Behaviour =>
  (_event, n) =>
    n <= times ? { throws: message } : { returns: null };

/**
 * A stand-in for serverless-offline's Lambda invoke API on 127.0.0.1: POST
 * /2015-03-31/functions/<name>/invocations answers 200 with the JSON payload, or, when the
 * handler throws, 200 with X-Amz-Function-Error: Unhandled and the error as the Node runtime reports it.
 */
export async function startFakeLambda() {
  const behaviours = new Map<string, Behaviour>();
  const invocations = new Map<string, Invocation[]>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '');
      const name = match ? decodeURIComponent(match[1]) : '';
      const behaviour = behaviours.get(name);
      if (req.method !== 'POST' || !behaviour) {
        res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-ErrorType': 'ResourceNotFoundException' });
        res.end(JSON.stringify({ Message: `Function not found: ${name}`, Type: 'User' }));
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const event = text ? JSON.parse(text) : {};
      const calls = invocations.get(name) ?? [];
      calls.push({ event, at: Date.now() });
      invocations.set(name, calls);
      const outcome = behaviour(event, calls.length);
      if ('throws' in outcome) {
        const error = new Error(outcome.throws);
        res.writeHead(200, { 'content-type': 'application/json', 'X-Amz-Function-Error': 'Unhandled' });
        res.end(JSON.stringify({ errorType: 'Error', errorMessage: error.message, trace: String(error.stack).split('\n') }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(outcome.returns ?? null));
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });

  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    script(functionName: string, behaviour: Behaviour): void {
      behaviours.set(functionName, behaviour);
      invocations.set(functionName, []);
    },
    invocations: (functionName: string): Invocation[] => invocations.get(functionName) ?? [],
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FakeLambda = Awaited<ReturnType<typeof startFakeLambda>>;
