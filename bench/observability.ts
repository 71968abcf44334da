/**
 * What the Tracer and Metrics calls cost an invocation where they do not record (the local cloud,
 * the tests: no AWS_EXECUTION_ENV, so the Tracer is not even loaded; metrics either written to stdout or
 * disabled), measured in one run: the same Middy chain with and without them, interleaved.
 *
 *   npx tsx bench/observability.ts [--invocations 20000] > /dev/null   (figures go to stderr)
 */
import middy from '@middy/core';
import { BusinessMetric, countMetric, metrics, publishMetrics } from '../lib/metrics';
import { traceInvocations, tracingRecorded } from '../lib/tracer';
import { lambdaContext } from '../tests/support/lambda-context';

const invocations = Number(process.argv[process.argv.indexOf('--invocations') + 1]) || 20_000;
const context = lambdaContext('bench');

const plain = middy<unknown, unknown>().handler(async () => ({ ok: true }));
const observed = middy<unknown, unknown>()
  .use(traceInvocations())
  .use(publishMetrics())
  .handler(async () => {
    countMetric(BusinessMetric.OrdersPlaced);
    return { ok: true };
  });

async function timeRound(handler: (event: unknown, ctx: typeof context) => Promise<unknown>, count: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await handler({}, context);
  return Number(process.hrtime.bigint() - start) / count / 1000;
}

async function main(): Promise<void> {
  await timeRound(plain, 2000);
  await timeRound(observed, 2000);
  const rounds: { plain: number[]; observed: number[] } = { plain: [], observed: [] };
  for (let round = 0; round < 5; round++) {
    rounds.plain.push(await timeRound(plain, invocations / 5));
    rounds.observed.push(await timeRound(observed, invocations / 5));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const [p, o] = [median(rounds.plain), median(rounds.observed)];
  process.stderr.write(
    `tracer recording: ${String(tracingRecorded())}, metrics written: ${String(!(metrics as unknown as { disabled: boolean }).disabled)}\n` +
      `per invocation, median of 5 rounds of ${invocations / 5}: without ${p.toFixed(1)} µs, with Tracer + Metrics ${o.toFixed(1)} µs (+${(o - p).toFixed(1)} µs)\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
