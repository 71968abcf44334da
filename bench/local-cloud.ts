// Prints the local cloud's figures: `npm run bench`.
//   ready      wall time from spawning `serverless offline start` to its ready line
//   latency    POST /orders → its OrderConfirmed event, over sequential orders (p50/p95/p99)
//   throughput orders/s placed by concurrent clients until all are confirmed, and how many were lost
//   cpu        CPU of the local cloud's processes per order, under that load
// Each order is read back through GET /orders/{id} afterwards, outside the measured time.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { mintToken } from '../lib/auth/mint-token';
import { watchConfirmations } from './confirmations';

// The SDK's notice that Node 20 loses support in 2027 is noise in the figures.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// BENCH_PORT_OFFSET moves every port, e.g. to bench beside another checkout's bench.
const OFFSET = Number(process.env.BENCH_PORT_OFFSET ?? 0);
const PORTS = {
  http: 3200 + OFFSET,
  websocket: 3201 + OFFSET,
  lambda: 3202 + OFFSET,
  sqs: 9524 + OFFSET,
  edge: 4766 + OFFSET,
  openapi: 3204 + OFFSET,
  console: 3205 + OFFSET,
};
const SECRET = 'bench-secret';
const API = `http://127.0.0.1:${PORTS.http}`;
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 200);
// Long enough for a steady state: the first thousand orders also pay for JIT warm-up (printed apart).
const CONCURRENT_ORDERS = Number(process.env.BENCH_CONCURRENT_ORDERS ?? 4000);
const WARM_UP_ORDERS = 1000;
// Open loop: orders arrive at this rate (orders/s) for this long, whatever the answers.
const OFFERED_RATE = Number(process.env.BENCH_RATE ?? 100);
const OFFERED_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 30);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
// Node flags for the Serverless process, e.g. BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
const NODE_ARGS = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];

// The bench starts from a fresh state of its own (BENCH_PERSIST=0: the emulators in memory, nothing on disk).
const PERSIST = process.env.BENCH_PERSIST !== '0';
const STATE_DIR = `.offline-state/bench${OFFSET || ''}`;

async function startLocalCloud(fresh = true): Promise<{ child: ChildProcess; readyMs: number; output: () => string }> {
  const root = join(__dirname, '..');
  const started = performance.now();
  const child = spawn(process.execPath, [...NODE_ARGS, join(root, 'node_modules/serverless/bin/serverless.js'), 'offline', 'start', '--stage', 'local'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      LOCAL_HTTP_PORT: String(PORTS.http),
      LOCAL_LAMBDA_PORT: String(PORTS.lambda),
      LOCAL_SQS_PORT: String(PORTS.sqs),
      LOCAL_EDGE_PORT: String(PORTS.edge),
      LOCAL_OPENAPI_PORT: String(PORTS.openapi),
      LOCAL_CONSOLE_PORT: String(PORTS.console),
      LOCAL_WEBSOCKET_PORT: String(PORTS.websocket),
      LOCAL_CLOUD: 'embedded',
      LOCAL_CLOUD_STATE_DIR: STATE_DIR,
      LOCAL_CLOUD_PERSIST: PERSIST ? '1' : '0',
      LOCAL_CLOUD_FRESH: fresh ? '1' : '',
      AUTH_JWT_SECRET: SECRET,
      // The functions' log level in the local stage (serverless.yml params): their INFO lines would cost CPU per order.
      LOG_LEVEL: 'WARN',
    },
  });
  let output = '';
  const watch = (chunk: Buffer) => (output += chunk);
  child.stdout!.on('data', watch);
  child.stderr!.on('data', watch);
  await new Promise<void>((resolve, reject) => {
    const ready = () => output.includes('orderflow local cloud ready') && resolve();
    child.stdout!.on('data', ready);
    child.stderr!.on('data', ready);
    child.once('exit', () => reject(new Error(`local cloud exited:\n${output.slice(-3000)}`)));
  });
  // From here on its output is drained unread: collecting and searching it cost the bench ~3 ms an order.
  for (const stream of [child.stdout!, child.stderr!]) stream.removeAllListeners('data').resume();
  return { child, readyMs: performance.now() - started, output: () => output };
}

// The clients share the machine's cores with the local cloud: node:http over kept-alive sockets costs
// them ~1 ms less CPU per order than fetch (measured: 2.7 against 3.6 ms).
const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
// Open loop: a request is sent when due, not when a socket frees up. Sockets left idle are closed
// after 2 s, before the server's 5-s keep-alive timeout could close one as it is reused.
const openLoopAgent = new Agent({ keepAlive: true, maxSockets: 256, timeout: 2000 });

function call(method: string, path: string, token: string, body?: string, via = agent): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
    };
    const req = request(`${API}${path}`, { method, headers, agent: via }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function placeOrder(token: string, via = agent): Promise<string> {
  const answer = await call('POST', '/orders', token, JSON.stringify({ items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_visa' }), via);
  if (answer.status !== 202) throw new Error(`POST /orders answered ${answer.status}: ${answer.text}`);
  return (JSON.parse(answer.text) as { orderId: string }).orderId;
}

type OrderView = { status: string; history: { status: string; at: string }[] };

async function readOrder(token: string, orderId: string): Promise<OrderView> {
  return JSON.parse((await call('GET', `/orders/${orderId}`, token)).text) as OrderView;
}

const statusOf = async (token: string, orderId: string) => (await readOrder(token, orderId)).status;

/**
 * Where the sequential latency goes, from the times each order's history records (the functions'
 * clocks, which are this machine's): POST → PENDING stored, PENDING → PAID, PAID → CONFIRMED, and
 * CONFIRMED stored → the bench hears of it.
 */
async function hops(token: string, orders: { orderId: string; postedAt: number; heardAt: number }[]): Promise<string> {
  const legs: Record<string, number[]> = { 'POST→PENDING': [], 'PENDING→PAID': [], 'PAID→CONFIRMED': [], 'CONFIRMED→heard': [] };
  for (const { orderId, postedAt, heardAt } of orders) {
    const at = Object.fromEntries((await readOrder(token, orderId)).history.map((h) => [h.status, Date.parse(h.at)]));
    legs['POST→PENDING'].push(at.PENDING - postedAt);
    legs['PENDING→PAID'].push(at.PAID - at.PENDING);
    legs['PAID→CONFIRMED'].push(at.CONFIRMED - at.PAID);
    legs['CONFIRMED→heard'].push(heardAt - at.CONFIRMED);
  }
  return Object.entries(legs)
    .map(
      ([leg, values]) =>
        `${leg} ${percentile(
          values.sort((a, b) => a - b),
          50,
        ).toFixed(0)}`,
    )
    .join(', ');
}

/** Reads every order back through the API once measuring is over: how many are not CONFIRMED there. */
async function notConfirmedInApi(token: string, orderIds: string[]): Promise<number> {
  let wrong = 0;
  for (let i = 0; i < orderIds.length; i += 10) {
    const statuses = await Promise.all(orderIds.slice(i, i + 10).map((id) => statusOf(token, id)));
    wrong += statuses.filter((status) => status !== 'CONFIRMED').length;
  }
  return wrong;
}

/**
 * CPU milliseconds used so far by each process of the local cloud (Serverless with its worker
 * threads, the emulators' process), by pid: the figure that stays comparable on a busy machine.
 * Linux only.
 */
function cloudCpuMs(processGroup: number): Map<number, number> | undefined {
  const byPid = new Map<number, number>();
  try {
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
      // pgrp; utime + stime, in ticks of 10 ms (USER_HZ is 100 on Linux)
      if (Number(fields[2]) === processGroup) byPid.set(Number(pid), (Number(fields[11]) + Number(fields[12])) * 10);
    }
  } catch {
    return undefined;
  }
  return byPid;
}

/** CPU per order between two readings: in all, in the functions' process, in the emulators' process. */
function cpuPerOrder(before: Map<number, number>, after: Map<number, number>, serverlessPid: number, orders: number): string {
  const used = (pid: number) => (after.get(pid) ?? 0) - (before.get(pid) ?? 0);
  const all = [...after.keys()].reduce((sum, pid) => sum + used(pid), 0);
  const functions = used(serverlessPid);
  const perOrder = (ms: number) => (ms / orders).toFixed(1);
  return `${perOrder(all)} ms of local-cloud CPU per order: ${perOrder(functions)} in the functions' process, ${perOrder(all - functions)} in the emulators' process`;
}

/**
 * Orders arriving at a fixed rate, as real traffic does, whatever the answers: the local cloud
 * sustains the rate if the confirmations keep pace while orders keep coming (nothing piles up, the
 * latency stays flat). Prints the rate confirmed within the offered time and the latency under load.
 */
async function offeredLoad(token: string, confirmations: Awaited<ReturnType<typeof watchConfirmations>>): Promise<string[]> {
  const total = Math.round(OFFERED_RATE * OFFERED_SECONDS);
  const started = performance.now();
  const posted: Promise<{ orderId: string; at: number }>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / OFFERED_RATE - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const at = performance.now();
    posted.push(placeOrder(token, openLoopAgent).then((orderId) => ({ orderId, at })));
  }
  const offeredUntil = performance.now();
  const orders = await Promise.all(posted);
  const confirmedAt = await Promise.all(orders.map(({ orderId }) => confirmations.confirmed(orderId, 120_000)));
  const done = confirmedAt.filter((at): at is number => at !== undefined);
  const latencies = orders.map(({ at }, i) => (confirmedAt[i] ?? Infinity) - at).sort((a, b) => a - b);
  const withinOffer = done.filter((at) => at <= offeredUntil).length / ((offeredUntil - started) / 1000);
  console.log(
    `sustained: ${OFFERED_RATE} orders/s offered for ${((offeredUntil - started) / 1000).toFixed(0)} s (${total} orders): ${withinOffer.toFixed(0)} confirmed/s meanwhile, ` +
      `the last ${((Math.max(...done) - offeredUntil) / 1000).toFixed(1)} s after the last order; POST → CONFIRMED under that load p50 ${percentile(latencies, 50).toFixed(0)} ms, ` +
      `p99 ${percentile(latencies, 99).toFixed(0)} ms; lost ${total - done.length}`,
  );
  return orders.map(({ orderId }) => orderId);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main() {
  const { child, readyMs } = await startLocalCloud();
  const kept = { orders: 0 };
  try {
    console.log(`ready: ${(readyMs / 1000).toFixed(2)} s from spawn to the ready line`);
    const token = await mintToken('bench-customer', SECRET);
    const confirmations = await watchConfirmations({ sqs: `http://127.0.0.1:${PORTS.sqs}`, edge: `http://127.0.0.1:${PORTS.edge}` });
    try {
      await confirmations.confirmed(await placeOrder(token), 60_000); // warm every function once

      const latencies: number[] = [];
      const sequential: { orderId: string; postedAt: number; heardAt: number }[] = [];
      for (let i = 0; i < SEQUENTIAL; i++) {
        const started = performance.now();
        const postedAt = Date.now();
        const orderId = await placeOrder(token);
        const at = await confirmations.confirmed(orderId, 60_000);
        if (at === undefined) throw new Error(`order ${orderId} never confirmed`);
        latencies.push(at - started);
        sequential.push({ orderId, postedAt, heardAt: postedAt + (at - started) });
      }
      latencies.sort((a, b) => a - b);
      console.log(
        `latency POST /orders → CONFIRMED over ${SEQUENTIAL} sequential orders: p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms`,
      );
      console.log(`latency by leg, p50 ms (from the orders' history): ${await hops(token, sequential)}`);
      const wrongSequential = await notConfirmedInApi(
        token,
        sequential.map((order) => order.orderId),
      );
      if (wrongSequential > 0) throw new Error(`${wrongSequential} orders announced as confirmed are not CONFIRMED in GET /orders/{id}`);

      const started = performance.now();
      const cpuBefore = cloudCpuMs(child.pid!);
      const benchCpuBefore = process.cpuUsage();
      let next = 0;
      const placed: string[] = [];
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (next < CONCURRENT_ORDERS) {
            next += 1;
            placed.push(await placeOrder(token));
          }
        }),
      );
      const confirmedAt = await Promise.all(placed.map((id) => confirmations.confirmed(id, 120_000)));
      const lost = confirmedAt.filter((at) => at === undefined).length;
      const seconds = (Math.max(...confirmedAt.map((at) => at ?? performance.now())) - started) / 1000;
      const inOrder = confirmedAt.filter((at): at is number => at !== undefined).sort((a, b) => a - b);
      const cpuAfter = cloudCpuMs(child.pid!);
      console.log(
        `throughput: ${placed.length} orders by ${CLIENTS} clients, all confirmed in ${seconds.toFixed(1)} s = ${(placed.length / seconds).toFixed(0)} orders/s, lost ${lost}`,
      );
      if (inOrder.length > WARM_UP_ORDERS) {
        const warmUpSeconds = (inOrder[WARM_UP_ORDERS - 1] - started) / 1000;
        console.log(
          `throughput: the first ${WARM_UP_ORDERS} confirmed in ${warmUpSeconds.toFixed(1)} s = ${(WARM_UP_ORDERS / warmUpSeconds).toFixed(0)} orders/s (warming up)`,
        );
      }
      const benchCpu = process.cpuUsage(benchCpuBefore);
      if (cpuBefore !== undefined && cpuAfter !== undefined) console.log(`cpu: ${cpuPerOrder(cpuBefore, cpuAfter, child.pid!, placed.length)}`);
      // The bench's clients share the machine's cores with the local cloud.
      console.log(`cpu: ${((benchCpu.user + benchCpu.system) / 1000 / placed.length).toFixed(1)} ms per order in the bench's own clients`);

      // Warm now: orders at a steady rate.
      if (OFFERED_RATE > 0 && OFFERED_SECONDS > 0) placed.push(...(await offeredLoad(token, confirmations)));

      kept.orders = placed.length + SEQUENTIAL + 1;
      const wrong = await notConfirmedInApi(token, placed);
      console.log(`check: ${placed.length - wrong} of ${placed.length} orders read back CONFIRMED through GET /orders/{id}`);
    } finally {
      await confirmations.stop();
    }
  } finally {
    process.kill(-child.pid!, 'SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  if (PERSIST && kept.orders > 0) {
    // The same state, started again without --fresh: what a restart of `npm start` costs once it holds data.
    const again = await startLocalCloud(false);
    const restored = /(\d+) queued message\(s\) restored/.exec(again.output())?.[1] ?? '?';
    console.log(
      `restart: ${(again.readyMs / 1000).toFixed(2)} s from spawn to the ready line with the state of ${kept.orders} orders kept (${restored} queued messages restored), against ${(readyMs / 1000).toFixed(2)} s fresh`,
    );
    process.kill(-again.child.pid!, 'SIGINT');
    await new Promise((resolve) => again.child.once('exit', resolve));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
