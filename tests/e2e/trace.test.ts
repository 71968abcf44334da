import { randomUUID } from 'node:crypto';
import { consoleCall } from '../support/console-api';
import { call, eventually, tokenFor } from './support/api';
import { E2E_PORTS } from './support/ports';

jest.setTimeout(60_000);

const CONSOLE = `http://127.0.0.1:${E2E_PORTS.console}`;

type Hop = {
  kind: string;
  function?: string;
  attempt?: number;
  outcome: string;
  at: number;
  trigger?: string;
  delayMs?: number;
  reason?: string;
  target?: string;
  fault?: { mode: string };
  requestId?: string;
  logs?: string[];
};

const api = (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => consoleCall(CONSOLE, method, path, body);

const trace = (correlationId: string, until: (hops: Hop[]) => boolean, what: string) =>
  eventually(
    async () => {
      const { status, body } = await api('GET', `/api/traces/${correlationId}`);
      return status === 200 && until(body.hops) ? (body.hops as Hop[]) : undefined;
    },
    what,
    40_000,
  );

/** Where each function was first invoked, in the trace's order. */
const firstInvocations = (hops: Hop[]) => [...new Set(hops.filter((h) => h.kind === 'invocation').map((h) => h.function))];

describe('traces and faults, through the console API', () => {
  let token: string;
  beforeAll(async () => {
    token = await tokenFor(`e2e-${randomUUID()}`);
    await api('DELETE', '/api/faults');
  });
  afterAll(() => api('DELETE', '/api/faults'));

  it('records every hop of an order, in order: the request, createOrder, what it published, the chain`s consumers', async () => {
    const correlationId = `trace-${randomUUID()}`;
    const placed = await call('POST', '/orders', {
      token,
      body: { items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_visa' },
      headers: { 'x-correlation-id': correlationId },
    });
    expect(placed.status).toBe(202);
    const hops = await trace(
      correlationId,
      (h) => h.some((hop) => hop.function === 'reserveInventory' && hop.outcome === 'ok'),
      'reserveInventory in the trace',
    );

    expect(hops[0]).toMatchObject({ kind: 'http', function: 'createOrder', outcome: 'ok' });
    // Its authorizer may run between the request and the function.
    expect(hops.slice(1, 3).map((h) => [h.kind, h.function, h.trigger])).toContainEqual(['invocation', 'createOrder', 'http']);
    const invoked = firstInvocations(hops);
    // Directly from createOrder or through the outbox function: payment comes before stock, either way.
    expect(invoked.indexOf('processPayment')).toBeGreaterThan(0);
    expect(invoked.indexOf('reserveInventory')).toBeGreaterThan(invoked.indexOf('processPayment'));
    const payment = hops.findIndex((h) => h.function === 'processPayment');
    expect(hops.slice(2, payment).some((h) => h.kind === 'publish' || h.kind === 'delivery')).toBe(true);
    expect(hops.find((h) => h.function === 'processPayment')).toMatchObject({ trigger: 'sqs', attempt: 1 });
    for (let i = 1; i < hops.length; i++) expect(hops[i].at).toBeGreaterThanOrEqual(hops[i - 1].at);

    const { body } = await api('GET', `/api/traces?q=${placed.body.orderId}`);
    expect(body.traces.map((t: { correlationId: string }) => t.correlationId)).toContain(correlationId);
  });

  it("carries each attempt's log lines (Powertools' JSON lines naming its request id), in-process and from a worker thread", async () => {
    const correlationId = `trace-logs-${randomUUID()}`;
    const placed = await call('POST', '/orders', {
      token,
      body: { items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_visa' },
      headers: { 'x-correlation-id': correlationId },
    });
    expect(placed.status).toBe(202);
    const lines = (hop: Hop | undefined) => (hop?.logs ?? []).map((line) => JSON.parse(line) as Record<string, unknown>);
    const invocation = (hops: Hop[], fn: string) => hops.find((h) => h.kind === 'invocation' && h.function === fn && h.outcome === 'ok');
    // processPayment runs in serverless-offline-sqs's worker thread: its lines may reach the trace after its hop.
    // Waits for the chain's reserveInventory too, so the next test's fault meets its own order only.
    const hops = await trace(
      correlationId,
      (h) => lines(invocation(h, 'processPayment')).some((line) => line.message === 'payment processed') && invocation(h, 'reserveInventory') !== undefined,
      "processPayment's log line and reserveInventory in the trace",
    );

    const created = invocation(hops, 'createOrder')!;
    expect(created.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines(created)).toContainEqual(
      expect.objectContaining({ level: 'INFO', message: 'order accepted', orderId: placed.body.orderId, function_request_id: created.requestId }),
    );
    const paid = invocation(hops, 'processPayment')!;
    expect(lines(paid)).toContainEqual(
      expect.objectContaining({
        message: 'payment processed',
        orderId: placed.body.orderId,
        function_request_id: paid.requestId,
        correlation_id: correlationId,
      }),
    );
    // Each line is on its own invocation only.
    for (const hop of hops) for (const line of lines(hop)) expect(line.function_request_id).toBe(hop.requestId);
  });

  it('shows a fault injected into reserveInventory: its failed attempts, their retries, and the on-failure record', async () => {
    const refused = await api('POST', '/api/faults', { function: 'reserveInventory', mode: 'error' });
    expect(refused).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('count') } } });
    const added = await api('POST', '/api/faults', { function: 'reserveInventory', mode: 'error', count: 3 });
    expect(added).toMatchObject({ status: 201, body: { function: 'reserveInventory', mode: 'error', count: 3 } });

    const correlationId = `fault-${randomUUID()}`;
    const placed = await call('POST', '/orders', {
      token,
      body: { items: [{ sku: 'SKU-2', quantity: 1 }], paymentToken: 'tok_visa' },
      headers: { 'x-correlation-id': correlationId },
    });
    expect(placed.status).toBe(202);
    // The attempts' hops come from the functions' process in batches: the on-failure record, sent by the cloud's, may be filed first.
    const attemptsOf = (h: Hop[]) => h.filter((hop) => hop.kind === 'invocation' && hop.function === 'reserveInventory');
    const hops = await trace(
      correlationId,
      (h) => h.some((hop) => hop.kind === 'destination') && attemptsOf(h).length >= 3,
      'the on-failure record and three attempts in the trace',
    );

    const attempts = attemptsOf(hops);
    expect(attempts.map((h) => [h.attempt, h.outcome, h.fault?.mode])).toEqual([
      [1, 'error', 'error'],
      [2, 'error', 'error'],
      [3, 'error', 'error'],
    ]);
    const retries = hops.filter((h) => h.kind === 'retry' && h.function === 'reserveInventory');
    expect(retries.map((h) => h.attempt)).toEqual([2, 3]);
    expect(retries.every((h) => h.delayMs! > 0 && h.reason!.startsWith('InjectedFault'))).toBe(true);
    expect(hops.find((h) => h.kind === 'destination')).toMatchObject({
      function: 'reserveInventory',
      reason: 'RetriesExhausted',
      target: expect.stringContaining('reserve-inventory-failures'),
    });
    expect((await api('GET', '/api/faults')).body).toEqual({ faults: [] });
  });
});
