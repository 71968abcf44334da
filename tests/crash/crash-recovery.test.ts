import '../offline/support/quiet-sdk';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { mintToken } from '../../lib/auth/mint-token';
import { SAMPLE } from '../support/events';

// A crash loses nothing: orders placed under load, the local cloud killed outright (SIGKILL, the
// Serverless process group and the forked cloud process), started again on the state it left, and
// every order accepted with a 202 must reach its one right terminal state, charged at most once,
// counted once by the sales report. Ports of its own (E2E_PORT_OFFSET moves them), a state of its own.
const OFFSET = Number(process.env.E2E_PORT_OFFSET ?? 0);
const PORTS = {
  http: 3700 + OFFSET,
  websocket: 3701 + OFFSET,
  lambda: 3702 + OFFSET,
  openapi: 3704 + OFFSET,
  console: 3705 + OFFSET,
  sqs: 9924 + OFFSET,
  edge: 5166 + OFFSET,
};
const ROOT = join(__dirname, '..', '..');
const SECRET = 'crash-secret';
const API = `http://127.0.0.1:${PORTS.http}`;
const TABLE = 'orderflow-local';
const LOAD_MS = Number(process.env.CRASH_LOAD_MS ?? 5000);
const CLIENTS = 8;
/** Generous for a loaded machine: the outbox resumes at its checkpoint once the cloud is up again, and the chain catches up. */
const RECOVERY_TIMEOUT_MS = 300_000;

type Kind = { paymentToken: string; sku: string; expected: string };
const KINDS: Kind[] = [
  { paymentToken: 'tok_visa', sku: 'SKU-1', expected: 'CONFIRMED' },
  { paymentToken: 'tok_flaky_1', sku: 'SKU-3', expected: 'CONFIRMED' },
  { paymentToken: 'tok_declined', sku: 'SKU-2', expected: 'PAYMENT_FAILED' },
  { paymentToken: 'tok_visa', sku: 'SKU-OOS', expected: 'CANCELLED' },
];
const TERMINAL = new Set(['CONFIRMED', 'PAYMENT_FAILED', 'CANCELLED', 'EXPIRED']);

function startLocalCloud(fresh: boolean): Promise<{ child: ChildProcess; readyMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js'), 'offline', 'start', '--stage', 'local'], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOCAL_HTTP_PORT: String(PORTS.http),
      LOCAL_WEBSOCKET_PORT: String(PORTS.websocket),
      LOCAL_LAMBDA_PORT: String(PORTS.lambda),
      LOCAL_OPENAPI_PORT: String(PORTS.openapi),
      LOCAL_CONSOLE_PORT: String(PORTS.console),
      LOCAL_SQS_PORT: String(PORTS.sqs),
      LOCAL_EDGE_PORT: String(PORTS.edge),
      LOCAL_CLOUD: 'embedded',
      LOCAL_CLOUD_STATE_DIR: `.offline-state/crash${OFFSET || ''}`,
      LOCAL_CLOUD_FRESH: fresh ? '1' : '',
      AUTH_JWT_SECRET: SECRET,
      LOG_LEVEL: 'WARN',
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after 120 s:\n${output.slice(-3000)}`)), 120_000);
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('orderflow local cloud ready')) return;
      clearTimeout(timer);
      for (const stream of [child.stdout!, child.stderr!]) stream.removeAllListeners('data').resume();
      resolve({ child, readyMs: performance.now() - started });
    };
    child.stdout!.on('data', watch);
    child.stderr!.on('data', watch);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready:\n${output.slice(-3000)}`));
    });
  });
}

/** The Serverless process's children (the forked cloud process among them), from /proc. */
const childrenOf = (pid: number): number[] => readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);

async function killOutright(child: ChildProcess): Promise<void> {
  const cloudProcesses = childrenOf(child.pid!);
  process.kill(-child.pid!, 'SIGKILL');
  for (const pid of cloudProcesses) {
    try {
      process.kill(pid, 'SIGKILL'); // already gone with its group, unless it left it
    } catch {
      // gone
    }
  }
  await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  // The cloud process must be gone too before its state is opened again.
  while (cloudProcesses.some((pid) => alive(pid))) await new Promise((resolve) => setTimeout(resolve, 20));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function api(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${API}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
}

/** Every order in the table, by id: what the report must count, once each. */
async function ordersInTable(): Promise<Map<string, { status: string; createdAt: string; customerId: string }>> {
  const dynamodb = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${PORTS.edge}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const orders = new Map<string, { status: string; createdAt: string; customerId: string }>();
  for await (const page of paginateScan({ client: dynamodb }, { TableName: TABLE, ConsistentRead: true })) {
    for (const item of page.Items ?? []) {
      if (item.sk?.S === 'ORDER') orders.set(item.orderId.S!, { status: item.status.S!, createdAt: item.createdAt.S!, customerId: item.customerId.S! });
    }
  }
  dynamodb.destroy();
  return orders;
}

describe('a crash of the local cloud mid-flight', () => {
  let running: ChildProcess | undefined;
  afterAll(async () => {
    if (running) await killOutright(running);
  });

  it('loses no accepted order, charges none twice, and the sales report counts each once', async () => {
    const token = await mintToken('crash-customer', SECRET);
    running = (await startLocalCloud(true)).child;

    // Load: each client places orders back to back, cycling through the four kinds, until the kill.
    const accepted = new Map<string, Kind>();
    const settledBeforeKill = new Set<string>();
    let unanswered = 0;
    let stop = false;
    let n = 0;
    const clients = Array.from({ length: CLIENTS }, async () => {
      while (!stop) {
        const kind = KINDS[n++ % KINDS.length];
        try {
          const placed = await api('POST', '/orders', token, { items: [{ sku: kind.sku, quantity: 1 }], paymentToken: kind.paymentToken });
          if (placed.status === 202) accepted.set(placed.body.orderId, kind);
        } catch {
          unanswered += 1; // cut off by the kill: never acknowledged
        }
      }
    });
    // Which orders had settled just before the kill: the rest were in flight.
    await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
    const snapshot = [...accepted.keys()];
    await Promise.all(
      snapshot.slice(-200).map(async (orderId) => {
        const { body } = await api('GET', `/orders/${orderId}`, token).catch(() => ({ status: 0, body: undefined }));
        if (TERMINAL.has(body?.status)) settledBeforeKill.add(orderId);
      }),
    );
    for (const orderId of snapshot.slice(0, -200)) settledBeforeKill.add(orderId); // the oldest: long settled (checked below anyway)
    stop = true; // the POSTs under way when the kill lands are cut off; no new ones
    await killOutright(running);
    await Promise.all(clients);
    running = undefined;
    const inFlight = accepted.size - settledBeforeKill.size;

    const restartedAt = performance.now();
    const restarted = await startLocalCloud(false);
    running = restarted.child;
    const final = new Map<string, { status: string; charges: number }>();
    const deadline = Date.now() + RECOVERY_TIMEOUT_MS;
    let recoveredMs = NaN;
    while (Date.now() < deadline) {
      await Promise.all(
        [...accepted.keys()]
          .filter((orderId) => !final.has(orderId))
          .map(async (orderId) => {
            const { status, body } = await api('GET', `/orders/${orderId}`, token);
            if (status === 200 && TERMINAL.has(body.status)) final.set(orderId, { status: body.status, charges: body.payment?.charges ?? 0 });
          }),
      );
      if (final.size === accepted.size) {
        recoveredMs = performance.now() - restartedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }

    const lost = [...accepted.keys()].filter((orderId) => !final.has(orderId));
    const wrong = [...final].filter(([orderId, { status }]) => status !== accepted.get(orderId)!.expected);
    const doubleCharged = [...final].filter(([, { charges }]) => charges > 1);
    // The report, once it has caught up with the table: each order of the day once, at its status.
    const today = new Date().toISOString().slice(0, 10);
    // Every order of the day (this test's, accepted or written by a POST the kill cut off, and those of the
    // seed's sample import) but the seed's sample orders: fixtures that predate the stream's consumers,
    // which no event announces and the report never sees. Read again on each try: an order whose POST the
    // kill cut off may still be on its way, in the table as in the report.
    const fixtures = new Set<string>([SAMPLE.orderId, SAMPLE.paidOrderId, SAMPLE.confirmedOrderId, SAMPLE.outboxOrderId]);
    let counted: { status: string }[] = [];
    let expectedByStatus: Record<string, number> = {};
    let report: { totals: { orders: number; byStatus: Record<string, number> } } | undefined;
    const reportDeadline = Date.now() + 30_000;
    while (Date.now() < reportDeadline) {
      const table = await ordersInTable();
      counted = [...table.entries()].filter(([orderId, o]) => o.createdAt.startsWith(today) && !fixtures.has(orderId)).map(([, o]) => o);
      expectedByStatus = {};
      for (const { status } of counted) expectedByStatus[status] = (expectedByStatus[status] ?? 0) + 1;
      report = (await api('GET', `/reports/sales?date=${today}`, token)).body;
      if (JSON.stringify(report?.totals.byStatus) === JSON.stringify(sortKeys(expectedByStatus, report?.totals.byStatus))) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    console.log(
      `crash: ${accepted.size} orders accepted (202) in ${LOAD_MS} ms, ${inFlight} in flight at the SIGKILL, ${unanswered} POSTs cut off unanswered; ` +
        `restart ready in ${(restarted.readyMs / 1000).toFixed(1)} s, every accepted order terminal ${Number.isNaN(recoveredMs) ? 'NEVER' : `${(recoveredMs / 1000).toFixed(1)} s`} after the restart; ` +
        `lost ${lost.length}, in the wrong terminal state ${wrong.length} (${wrong.map(([, s]) => s.status).join(', ')}), charged twice ${doubleCharged.length}; ` +
        `report ${JSON.stringify(report?.totals.byStatus)} against the table ${JSON.stringify(expectedByStatus)}`,
    );
    expect(accepted.size).toBeGreaterThan(0);
    expect(lost).toEqual([]);
    expect(wrong).toEqual([]);
    expect(doubleCharged).toEqual([]);
    expect(report?.totals.byStatus).toEqual(expectedByStatus);
    expect(report?.totals.orders).toBe(counted.length);
  }, 480_000);
});

/** `wanted` with its keys in the order of `like` (so two tallies compare as JSON). */
function sortKeys(wanted: Record<string, number>, like: Record<string, number> | undefined): Record<string, number> {
  const keys = [...new Set([...Object.keys(like ?? {}), ...Object.keys(wanted)])].filter((k) => k in wanted);
  return Object.fromEntries(keys.map((k) => [k, wanted[k]]));
}
