// Prints what matching one event costs the event-pattern engine (offline/cloud/patterns), for a
// realistic EventBridge rule, a Lambda SQS filter (JSON body parsed per record) and an SNS
// MessageBody policy: matching runs on every delivery, so this is its hot path. `npx tsx bench/event-patterns.ts`.
import { compileEventPattern } from '../offline/cloud/patterns/event-pattern';
import { compileFilterCriteria } from '../offline/cloud/patterns/filter-criteria';
import { compileFilterPolicy } from '../offline/cloud/patterns/filter-policy';

const ROUNDS = Number(process.env.BENCH_PATTERN_ROUNDS ?? 1_000_000);

const rule = {
  source: ['orderflow.orders'],
  'detail-type': ['OrderPlaced', 'OrderPaid', 'OrderConfirmed'],
  detail: {
    status: [{ 'anything-but': ['CANCELLED', 'EXPIRED'] }],
    totalCents: [{ numeric: ['>=', 1000, '<', 1_000_000] }],
    customer: { email: [{ suffix: { 'equals-ignore-case': '@example.com' } }] },
    items: { sku: [{ prefix: 'SKU-' }] },
    $or: [{ channel: ['web', 'mobile'] }, { importId: [{ exists: true }] }],
  },
};
const detail = {
  orderId: 'o-1f3a',
  status: 'PENDING',
  totalCents: 5597,
  channel: 'web',
  customer: { id: 'c-42', email: 'Ada@Example.com' },
  items: [
    { sku: 'SKU-1', qty: 2, priceCents: 1999 },
    { sku: 'SKU-2', qty: 1, priceCents: 1599 },
  ],
};
const event = {
  version: '0',
  id: 'e-1',
  'detail-type': 'OrderPaid',
  source: 'orderflow.orders',
  account: '000000000000',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
};
const miss = { ...event, detail: { ...detail, status: 'CANCELLED' } };
const otherSource = { ...event, source: 'other' };

function measure(name: string, run: () => boolean, expected: boolean): void {
  if (run() !== expected) throw new Error(`${name}: expected ${expected}`);
  for (let i = 0; i < ROUNDS / 10; i++) run(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) run();
  const ns = Number(process.hrtime.bigint() - start) / ROUNDS;
  console.log(`${name.padEnd(58)} ${ns.toFixed(0).padStart(6)} ns/event`);
}

const matchRule = compileEventPattern(rule);
measure('EventBridge rule, 5 keys + $or, event matches', () => matchRule(event), true);
measure('EventBridge rule, event fails on detail.status', () => matchRule(miss), false);
measure('EventBridge rule, event fails on source (first key)', () => matchRule(otherSource), false);

const sqsFilter = compileFilterCriteria('sqs', [{ body: rule.detail }])!;
const record = { messageId: 'm-1', body: JSON.stringify(detail), attributes: { ApproximateReceiveCount: '1' }, messageAttributes: {}, eventSource: 'aws:sqs' };
measure('Lambda SQS filter on the JSON body (parse included)', () => sqsFilter(record), true);
const body = JSON.stringify(detail);
measure('  of which JSON.parse of the body alone', () => JSON.parse(body) !== null, true);

const policy = compileFilterPolicy(rule.detail, 'MessageBody');
measure('SNS MessageBody policy (parse included)', () => policy({}, body), true);
const attributesPolicy = compileFilterPolicy({ eventType: ['OrderPaid', 'OrderConfirmed'], totalCents: [{ numeric: ['>', 1000] }] });
const attributes = { eventType: { DataType: 'String', StringValue: 'OrderPaid' }, totalCents: { DataType: 'Number', StringValue: '5597' } };
measure('SNS MessageAttributes policy, 2 keys', () => attributesPolicy(attributes, ''), true);
