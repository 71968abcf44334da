import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { mintToken } from '../../lib/auth/mint-token';
import { stopProcessGroup } from '../support/process-group';
import { generatedPosition, inlineSourceMap } from '../support/source-map';
import { E2E_ENV, E2E_PORTS } from './support/ports';

// `npm run debug` beside the suite's own local cloud: its ports are the suite's plus 1000.
const ROOT = join(__dirname, '..', '..');
const port = (p: number) => String(p + 1000);
const OFFSET = Number(process.env.E2E_PORT_OFFSET ?? 0);
const INSPECTOR_PORT = 9229 + 1000 + OFFSET;
const ENV = {
  ...E2E_ENV,
  LOCAL_HTTP_PORT: port(E2E_PORTS.http),
  LOCAL_WEBSOCKET_PORT: port(E2E_PORTS.websocket),
  LOCAL_LAMBDA_PORT: port(E2E_PORTS.lambda),
  LOCAL_SQS_PORT: port(E2E_PORTS.sqs),
  LOCAL_EDGE_PORT: port(E2E_PORTS.edge),
  LOCAL_OPENAPI_PORT: port(E2E_PORTS.openapi),
  LOCAL_CONSOLE_PORT: port(E2E_PORTS.console),
  LOCAL_CLOUD_STATE_DIR: `.offline-state/debug${OFFSET || ''}`,
  LOCAL_DEBUG_PORT: String(INSPECTOR_PORT),
  LOG_LEVEL: 'WARN',
};
const API = `http://127.0.0.1:${ENV.LOCAL_HTTP_PORT}`;
// The line a developer would break on: processPayment's handler, once its SQS record is parsed.
const SOURCE = 'handlers/process-payment.ts';
const LINE_TEXT = 'await processPayment(deps, message.orderId)';

/** A Chrome DevTools Protocol session over the inspector's WebSocket, as VS Code and DevTools hold one. */
function cdpSession(url: string) {
  const socket = new WebSocket(url);
  let lastId = 0;
  const pending = new Map<number, (result: unknown) => void>();
  const events: { method: string; params: any }[] = [];
  const listeners = new Set<() => void>();
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString('utf8'));
    if (message.id) pending.get(message.id)?.(message.error ? Promise.reject(new Error(message.error.message)) : message.result);
    else {
      events.push(message);
      for (const listener of listeners) listener();
    }
  });
  return {
    opened: new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject)),
    send: (method: string, params: object = {}) =>
      new Promise<any>((resolve) => {
        const id = ++lastId;
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, method, params }));
      }),
    /** The next event of that method not yet taken, waiting for it if need be. */
    next: (method: string, timeoutMs: number) =>
      new Promise<{ method: string; params: any }>((resolve, reject) => {
        const check = () => {
          const index = events.findIndex((e) => e.method === method);
          if (index === -1) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(events.splice(0, index + 1)[index]);
        };
        const timer = setTimeout(() => (listeners.delete(check), reject(new Error(`No ${method} within ${timeoutMs} ms`))), timeoutMs);
        listeners.add(check);
        check();
      }),
    close: () => socket.close(),
  };
}

describe('npm run debug', () => {
  let child: ChildProcess;
  let output = '';

  beforeAll(async () => {
    child = spawn('npm', ['run', 'debug'], { cwd: ROOT, env: { ...process.env, ...ENV }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const watch = (chunk: Buffer) => void (output += chunk.toString());
    child.stdout!.on('data', watch);
    child.stderr!.on('data', watch);
    const deadline = Date.now() + 120_000;
    while (!/local cloud ready/.test(output)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`npm run debug was not ready:\n${output.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 130_000);

  afterAll(async () => {
    if (child?.pid) await stopProcessGroup(child.pid);
  }, 30_000);

  it('stops at a breakpoint in the TypeScript of an SQS-triggered function, holds the queue meanwhile, and the order completes once resumed', async () => {
    expect(output).toContain(`Debugger 127.0.0.1:${INSPECTOR_PORT}`);
    // Where the debugger's breakpoint lands: the source map of the bundle, as VS Code and DevTools read it.
    const sourceLine = readFileSync(join(ROOT, SOURCE), 'utf8')
      .split('\n')
      .findIndex((line) => line.includes(LINE_TEXT));
    const bundle = join(ROOT, '.esbuild', '.build', SOURCE.replace(/\.ts$/, '.js'));
    const position = generatedPosition(inlineSourceMap(readFileSync(bundle, 'utf8')), SOURCE, sourceLine);
    const [target] = (await (await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
    const cdp = cdpSession(target.webSocketDebuggerUrl);
    await cdp.opened;
    try {
      await cdp.send('Debugger.enable');
      const { breakpointId } = await cdp.send('Debugger.setBreakpointByUrl', { urlRegex: 'handlers/process-payment\\.js$', ...position });

      const token = await mintToken('debugging-customer', E2E_ENV.AUTH_JWT_SECRET);
      // Not awaited: the HTTP API runs in the process the breakpoint may pause (a seeded sample order's payment too).
      const placing = fetch(`${API}/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_visa' }),
      }).then(async (response) => ({ httpStatus: response.status, ...((await response.json()) as { orderId: string }) }));
      const placed = new Promise<{ httpStatus: number; orderId: string }>((resolve) => void placing.then(resolve));

      // Paused at the line: for our order, or for another one (a seeded sample's payment: resumed) until ours comes.
      // The API answers before the payment starts, so our order's id is known by the time its payment pauses.
      let paused: { method: string; params: any };
      for (;;) {
        paused = await cdp.next('Debugger.paused', 20_000);
        expect(paused.params.hitBreakpoints).toContain(breakpointId);
        const { result } = await cdp.send('Debugger.evaluateOnCallFrame', {
          callFrameId: paused.params.callFrames[0].callFrameId,
          expression: 'message.orderId',
        });
        const ours = await Promise.race([placed.then((p) => p.orderId), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1000))]);
        if (ours !== undefined && result.value === ours) break;
        await cdp.send('Debugger.resume');
      }
      const { orderId } = await placed;
      expect((await placed).httpStatus).toBe(202);
      expect(paused.params.callFrames[0].location).toMatchObject({ lineNumber: position.lineNumber });
      // Longer than the payments queue's 2-s visibility timeout: the local cloud holds it while we are paused.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await cdp.send('Debugger.removeBreakpoint', { breakpointId });
      await cdp.send('Debugger.resume');

      let order: { status?: string; payment?: { attempts: number } } = {};
      const deadline = Date.now() + 20_000;
      while (order.status !== 'CONFIRMED' && Date.now() < deadline) {
        const response = await fetch(`${API}/orders/${orderId}`, { headers: { authorization: `Bearer ${token}` } });
        order = (await response.json()) as typeof order;
        if (order.status !== 'CONFIRMED') await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(order.status).toBe('CONFIRMED');
      expect(order.payment?.attempts).toBe(1);
      expect(output).toMatch(/the functions are paused \(debugger\): queue timers held/);
      expect(output).toMatch(/the functions resumed after \d+\.\d+s/);
    } finally {
      cdp.close();
    }
  }, 90_000);
});
