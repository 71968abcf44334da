// Prints the local cloud's figures: `npm run bench`.
//   ready      wall time from spawning `serverless offline start` to its ready line
//   latency    POST /orders → GET shows CONFIRMED, over sequential orders (p50/p95/p99)
//   throughput orders/s placed by concurrent clients until all are CONFIRMED, and how many were lost
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mintToken } from '../lib/auth/mint-token';

// BENCH_PORT_OFFSET moves every port, e.g. to bench beside another checkout's bench.
const OFFSET = Number(process.env.BENCH_PORT_OFFSET ?? 0);
const PORTS = { http: 3200 + OFFSET, lambda: 3202 + OFFSET, sqs: 9524 + OFFSET, edge: 4766 + OFFSET };
const SECRET = 'bench-secret';
const API = `http://127.0.0.1:${PORTS.http}`;
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 200);
const CONCURRENT_ORDERS = Number(process.env.BENCH_CONCURRENT_ORDERS ?? 1000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
const POLL_MS = 5;
// Node flags for the Serverless process, e.g. BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
const NODE_ARGS = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];

async function startLocalCloud(): Promise<{ child: ChildProcess; readyMs: number }> {
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
      LOCAL_CLOUD: 'embedded',
      AUTH_JWT_SECRET: SECRET,
      POWERTOOLS_LOG_LEVEL: 'WARN',
    },
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const watch = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('orderflow local cloud ready')) resolve();
    };
    child.stdout!.on('data', watch);
    child.stderr!.on('data', watch);
    child.once('exit', () => reject(new Error(`local cloud exited:\n${output.slice(-3000)}`)));
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return { child, readyMs: performance.now() - started };
}

async function placeOrder(token: string): Promise<string> {
  const response = await fetch(`${API}/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_visa' }),
  });
  if (response.status !== 202) throw new Error(`POST /orders answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { orderId: string }).orderId;
}

async function statusOf(token: string, orderId: string): Promise<string> {
  const response = await fetch(`${API}/orders/${orderId}`, { headers: { authorization: `Bearer ${token}` } });
  return ((await response.json()) as { status: string }).status;
}

async function untilConfirmed(token: string, orderId: string, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await statusOf(token, orderId)) === 'CONFIRMED') return true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return false;
}

/** Checks pending orders with a few readers (not one poller per order) until all are CONFIRMED. */
async function unconfirmedAfter(token: string, orderIds: string[], timeoutMs: number): Promise<number> {
  let pending = [...orderIds];
  const deadline = Date.now() + timeoutMs;
  while (pending.length > 0 && Date.now() < deadline) {
    const still: string[] = [];
    for (let i = 0; i < pending.length; i += 10) {
      const slice = pending.slice(i, i + 10);
      const statuses = await Promise.all(slice.map((id) => statusOf(token, id)));
      slice.forEach((id, k) => statuses[k] !== 'CONFIRMED' && still.push(id));
    }
    pending = still;
    if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return pending.length;
}

/**
 * CPU milliseconds used so far by every process of the local cloud (Serverless with its worker
 * threads, the emulators' process): the figure that stays comparable on a busy machine. Linux only.
 */
function cloudCpuMs(processGroup: number): number | undefined {
  let ticks = 0;
  try {
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
      if (Number(fields[2]) === processGroup) ticks += Number(fields[11]) + Number(fields[12]); // pgrp; utime + stime
    }
  } catch {
    return undefined;
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main() {
  const { child, readyMs } = await startLocalCloud();
  try {
    console.log(`ready: ${(readyMs / 1000).toFixed(2)} s from spawn to the ready line`);
    const token = await mintToken('bench-customer', SECRET);
    await untilConfirmed(token, await placeOrder(token)); // warm every function once

    const latencies: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      const started = performance.now();
      const orderId = await placeOrder(token);
      if (!(await untilConfirmed(token, orderId))) throw new Error(`order ${orderId} never confirmed`);
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    console.log(
      `latency POST /orders → CONFIRMED over ${SEQUENTIAL} sequential orders: p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms`,
    );

    const started = performance.now();
    const cpuBefore = cloudCpuMs(child.pid!);
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
    const lost = await unconfirmedAfter(token, placed, 120_000);
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = cloudCpuMs(child.pid!);
    console.log(`throughput: ${placed.length} orders by ${CLIENTS} clients, all settled in ${seconds.toFixed(1)} s = ${(placed.length / seconds).toFixed(0)} orders/s confirmed, lost ${lost}`);
    if (cpuBefore !== undefined && cpuAfter !== undefined) {
      // Includes the status reads of this bench (an authorizer and a getOrder invocation each).
      console.log(`cpu: ${((cpuAfter - cpuBefore) / placed.length).toFixed(0)} ms of local-cloud CPU per order (all processes, incl. status reads)`);
    }
  } finally {
    process.kill(-child.pid!, 'SIGINT');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
