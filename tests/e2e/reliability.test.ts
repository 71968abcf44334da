import { randomUUID } from 'node:crypto';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { BatchGetCommand, QueryCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { clearFaults, faultsInForce, injectFault } from '../support/console-api';
import { call, eventually, tokenFor, type Answer } from './support/api';
import { ACTIVITY_STREAM, dynamo, IMPORTS_BUCKET, kinesis, ORDER_EVENTS_TOPIC_ARN, queueUrl, s3, sns, sqs, TABLE } from './support/aws';
import { eventAsPublished, redeliverToPayments, reputActivity, republish, type OrderView } from './support/order-events';
import { E2E_PORTS } from './support/ports';
import { inPool, sleep } from './support/pool';
import { drainOwnMessages, waitUntilIdle } from './support/queues';
import { minus, plus, salesProjection, tally, type ProjectedOrder, type Tally } from './support/sales-projection';

/*
 * SPEC §3: every message is delivered at least once, so every consumer must be idempotent. 500 orders
 * go through the real HTTP API while duplicates and poison are injected straight into each event source
 * (the payments queue, the order-events topic, the imports bucket, the activity stream). Nothing may be
 * lost, settled twice, charged twice or counted twice, and poison must end where Lambda sends it.
 */

const ORDERS = 500;
const CONCURRENCY = 8; // the local cloud shares 2 cores with its own emulators and the test
const CUSTOMERS = 5;
const SETUP_BUDGET_MS = 480_000;
jest.setTimeout(90_000);

type Expected = { status: 'CONFIRMED' | 'PAYMENT_FAILED' | 'CANCELLED'; payment: 'CHARGED' | 'DECLINED' | 'REFUNDED'; charges: 0 | 1; path: string[] };
const CONFIRMED: Expected = { status: 'CONFIRMED', payment: 'CHARGED', charges: 1, path: ['PENDING', 'PAID', 'CONFIRMED'] };
const DECLINED: Expected = { status: 'PAYMENT_FAILED', payment: 'DECLINED', charges: 0, path: ['PENDING', 'PAYMENT_FAILED'] };
const REFUNDED: Expected = { status: 'CANCELLED', payment: 'REFUNDED', charges: 1, path: ['PENDING', 'PAID', 'CANCELLED'] };

type OrderBody = { items: { sku: string; quantity: number }[]; paymentToken: string };

/** The mix, cycled over the orders: every payment outcome, out of stock alone and beside a product in stock. */
const MIX: { body: OrderBody; expected: Expected }[] = [
  { body: { items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_visa' }, expected: CONFIRMED },
  { body: { items: [{ sku: 'SKU-2', quantity: 1 }], paymentToken: 'tok_declined' }, expected: DECLINED },
  { body: { items: [{ sku: 'SKU-3', quantity: 2 }], paymentToken: 'tok_flaky_1' }, expected: CONFIRMED },
  { body: { items: [{ sku: 'SKU-4', quantity: 1 }], paymentToken: 'tok_flaky_2' }, expected: CONFIRMED },
  { body: { items: [{ sku: 'SKU-OOS', quantity: 1 }], paymentToken: 'tok_visa' }, expected: REFUNDED },
  {
    body: {
      items: [
        { sku: 'SKU-1', quantity: 2 },
        { sku: 'SKU-OOS', quantity: 1 },
      ],
      paymentToken: 'tok_flaky_1',
    },
    expected: REFUNDED,
  },
  { body: { items: [{ sku: 'SKU-OOS', quantity: 1 }], paymentToken: 'tok_declined' }, expected: DECLINED },
  {
    body: {
      items: [
        { sku: 'SKU-2', quantity: 2 },
        { sku: 'SKU-3', quantity: 3 },
      ],
      paymentToken: 'tok_visa',
    },
    expected: CONFIRMED,
  },
];

const TERMINAL = new Set(['CONFIRMED', 'PAYMENT_FAILED', 'CANCELLED', 'EXPIRED']);
const run = randomUUID().slice(0, 8);

type Placed = { index: number; token: string; body: OrderBody; expected: Expected; orderId: string; afterPoison: boolean };

/** Where each kind of poison must end, and how to recognise ours there. */
type PoisonSource = 'payments' | 'reserveInventory' | 'notifyCustomer' | 'importOrders' | 'aggregateActivity';
const FAILURE_QUEUES: Record<PoisonSource, string> = {
  payments: 'payments-dlq',
  reserveInventory: 'reserve-inventory-failures',
  notifyCustomer: 'notify-customer-failures',
  importOrders: 'import-orders-failures',
  aggregateActivity: 'aggregate-activity-failures',
};

/**
 * Faults injected through the console (as AWS FIS's Lambda actions) while the first orders flow: each
 * function fails, times out or slows down for its next few invocations, and Lambda's retries must absorb it.
 */
const CONSOLE = `http://127.0.0.1:${E2E_PORTS.console}`;
const FAULTS = [
  { function: 'publishOrderEvents', mode: 'error', count: 3 },
  { function: 'processPayment', mode: 'timeout', count: 2 },
  { function: 'reserveInventory', mode: 'error', count: 3 },
  { function: 'fulfilOrder', mode: 'error', count: 2 },
  { function: 'notifyCustomer', mode: 'delay', count: 5, delayMs: 300 },
];

const figures = {
  seconds: 0,
  faultsLeft: [] as Record<string, unknown>[],
  httpRetries: 0,
  duplicates: { paymentsQueueInFlight: 0, paymentsQueueAfterSettling: 0, snsOrderPaid: 0, snsTerminal: 0, kinesisTerminal: 0, kinesisStale: 0 },
  poison: {} as Record<PoisonSource, { injected: number; found: number }>,
  foreignReportChange: undefined as Tally | undefined,
  stillBusy: undefined as string | undefined,
};

const placed: Placed[] = [];
const finalViews = new Map<string, OrderView>();
const notFinal: { orderId: string; status: string | undefined }[] = [];
const poisonKeys = {} as Record<PoisonSource, string[]>;
const poisonFound = {} as Record<PoisonSource, Map<string, string>>;
const kinesisPoison = new Map<string, bigint>(); // tag -> sequence number
const today = new Date().toISOString().slice(0, 10);
const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);
const baseline = new Map<string, { report: Tally; projection: Map<string, ProjectedOrder> }>();

// serverless-offline answers a handler that crashed or timed out with 200 and the error as the body
// (API Gateway would answer 500/503); a client retries either, with the same Idempotency-Key.
const failedOnTheServer = (answer: Answer) => answer.status >= 500 || (answer.status === 200 && answer.body?.errorType !== undefined);

async function placeOrder(token: string, body: OrderBody): Promise<string> {
  const idempotencyKey = `reliability-${randomUUID()}`;
  for (let attempt = 1; ; attempt++) {
    const answer = await call('POST', '/orders', { token, body, headers: { 'idempotency-key': idempotencyKey } }).catch(() => undefined);
    if (answer?.status === 202) return answer.body.orderId;
    if (answer && !failedOnTheServer(answer)) throw new Error(`POST /orders answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    if (attempt === 5) throw new Error(`POST /orders kept failing: ${JSON.stringify(answer?.body)}`);
    figures.httpRetries += 1;
    await sleep(500 * attempt);
  }
}

async function readOrder(token: string, orderId: string): Promise<OrderView> {
  return eventually(
    async () => {
      const answer = await call('GET', `/orders/${orderId}`, { token });
      if (answer.status !== 200 || answer.body?.orderId !== orderId) throw new Error(`GET /orders/${orderId} answered ${answer.status}`);
      return answer.body as OrderView;
    },
    `order ${orderId}`,
    30_000,
    250,
  );
}

async function placeOrders(from: number, to: number, tokens: string[], afterPoison: boolean): Promise<void> {
  const indexes = Array.from({ length: to - from }, (_, i) => from + i);
  await inPool(indexes, CONCURRENCY, async (index) => {
    const { body, expected } = MIX[index % MIX.length];
    const token = tokens[index % tokens.length];
    const orderId = await placeOrder(token, body);
    placed.push({ index, token, body, expected, orderId, afterPoison });
    if (index % 5 === 4) {
      // A duplicate while the order is in flight: the same OrderPlaced, straight onto the payments queue.
      await redeliverToPayments(eventAsPublished(await readOrder(token, orderId), body.paymentToken, 'PENDING'));
      figures.duplicates.paymentsQueueInFlight += 1;
    }
  });
}

/** Status of each order straight from the table: cheap enough to poll 500 orders every second. */
async function storedStatuses(orderIds: string[]): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  for (let i = 0; i < orderIds.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = orderIds.slice(i, i + 100).map((id) => ({ pk: `ORDER#${id}`, sk: 'ORDER' }));
    while (keys && keys.length > 0) {
      const answer: BatchGetCommandOutput = await dynamo.send(
        new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: keys, ProjectionExpression: 'orderId, #s', ExpressionAttributeNames: { '#s': 'status' } } } }),
      );
      for (const item of answer.Responses?.[TABLE] ?? []) statuses.set(item.orderId, item.status);
      keys = answer.UnprocessedKeys?.[TABLE]?.Keys;
    }
  }
  return statuses;
}

async function waitForTerminal(timeoutMs: number): Promise<Map<string, string>> {
  const deadline = Date.now() + timeoutMs;
  let statuses = new Map<string, string>();
  while (Date.now() < deadline) {
    statuses = await storedStatuses(placed.map((p) => p.orderId));
    if (placed.every((p) => TERMINAL.has(statuses.get(p.orderId) ?? ''))) break;
    await sleep(1000);
  }
  return statuses;
}

async function injectPoison(): Promise<void> {
  const tag = (what: string) => `poison-${run}-${what}`;
  const onPayments = [tag('payments-not-json'), tag('payments-no-order-id'), tag('payments-unknown-order')];
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl('payments'), MessageBody: `${onPayments[0]} {"orderId":` }));
  await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl('payments'), MessageBody: JSON.stringify({ eventType: 'OrderPlaced', poisonTag: onPayments[1] }) }),
  );
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl('payments'),
      MessageBody: JSON.stringify({ eventType: 'OrderPlaced', orderId: randomUUID(), poisonTag: onPayments[2] }),
    }),
  );
  poisonKeys.payments = onPayments;

  const publish = (eventType: string, message: string) =>
    sns.send(
      new PublishCommand({
        TopicArn: ORDER_EVENTS_TOPIC_ARN,
        Message: message,
        MessageAttributes: { eventType: { DataType: 'String', StringValue: eventType } },
      }),
    );
  poisonKeys.reserveInventory = [tag('order-paid-not-json'), tag('order-paid-no-order-id')];
  await publish('OrderPaid', `${poisonKeys.reserveInventory[0]} not json`);
  await publish('OrderPaid', JSON.stringify({ eventType: 'OrderPaid', poisonTag: poisonKeys.reserveInventory[1] }));
  poisonKeys.notifyCustomer = [tag('order-confirmed-not-json'), tag('order-cancelled-no-order-id')];
  await publish('OrderConfirmed', `${poisonKeys.notifyCustomer[0]} not json`);
  await publish('OrderCancelled', JSON.stringify({ eventType: 'OrderCancelled', poisonTag: poisonKeys.notifyCustomer[1] }));

  // Uploads that match no import: one plain, one whose key S3 has to encode in the event.
  poisonKeys.importOrders = [randomUUID(), randomUUID()];
  const csv = 'sku,quantity,paymentToken\nSKU-1,1,tok_visa\n';
  await s3.send(new PutObjectCommand({ Bucket: IMPORTS_BUCKET, Key: `incoming/${poisonKeys.importOrders[0]}.csv`, Body: csv, ContentType: 'text/csv' }));
  await s3.send(new PutObjectCommand({ Bucket: IMPORTS_BUCKET, Key: `incoming/${poisonKeys.importOrders[1]} copy.csv`, Body: csv, ContentType: 'text/csv' }));

  poisonKeys.aggregateActivity = [];
  await putKinesisPoison(tag('activity-not-json'), (key) => `${key} not json`);
  await putKinesisPoison(tag('activity-no-status'), (key) => JSON.stringify({ orderId: randomUUID(), totalCents: 1, poisonTag: key }));
}

async function putKinesisPoison(tag: string, data: (tag: string) => string): Promise<void> {
  const { SequenceNumber } = await kinesis.send(new PutRecordCommand({ StreamName: ACTIVITY_STREAM, PartitionKey: tag, Data: Buffer.from(data(tag)) }));
  kinesisPoison.set(tag, BigInt(SequenceNumber!));
  poisonKeys.aggregateActivity.push(tag);
}

const parse = (body: string) => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

/** How to tell our poison in each failure queue: by tag, by object key, or by the discarded batch's sequence range. */
const ownPoison: Record<PoisonSource, (body: string) => string[]> = {
  payments: (body) => poisonKeys.payments.filter((key) => body.includes(key)),
  reserveInventory: (body) => poisonKeys.reserveInventory.filter((key) => JSON.stringify(parse(body)?.requestPayload ?? '').includes(key)),
  notifyCustomer: (body) => poisonKeys.notifyCustomer.filter((key) => JSON.stringify(parse(body)?.requestPayload ?? '').includes(key)),
  importOrders: (body) => poisonKeys.importOrders.filter((key) => JSON.stringify(parse(body)?.requestPayload ?? '').includes(key)),
  aggregateActivity: (body) => {
    const batch = parse(body)?.KinesisBatchInfo;
    if (!batch?.startSequenceNumber) return [];
    const [start, end] = [BigInt(batch.startSequenceNumber), BigInt(batch.endSequenceNumber)];
    return [...kinesisPoison].filter(([, sequence]) => sequence >= start && sequence <= end).map(([tag]) => tag);
  },
};

async function collectPoison(timeoutMs: number): Promise<void> {
  await Promise.all(
    (Object.keys(FAILURE_QUEUES) as PoisonSource[]).map(async (source) => {
      poisonFound[source] = await drainOwnMessages(FAILURE_QUEUES[source], ownPoison[source], poisonKeys[source], timeoutMs);
      figures.poison[source] = { injected: poisonKeys[source].length, found: poisonFound[source].size };
    }),
  );
}

/** Duplicates of what the chain already delivered, once every order has settled: they must change nothing. */
async function injectDuplicatesAfterSettling(views: { placed: Placed; view: OrderView }[]): Promise<void> {
  await inPool(views, CONCURRENCY, async ({ placed: p, view }) => {
    const { paymentToken } = p.body;
    const terminal = eventAsPublished(view, paymentToken, view.status);
    switch (p.index % 10) {
      case 0:
        await redeliverToPayments(eventAsPublished(view, paymentToken, 'PENDING'));
        figures.duplicates.paymentsQueueAfterSettling += 1;
        break;
      case 1:
        if (!view.history.some((h) => h.status === 'PAID')) break;
        await republish(eventAsPublished(view, paymentToken, 'PAID'));
        figures.duplicates.snsOrderPaid += 1;
        break;
      case 2:
        await republish(terminal);
        figures.duplicates.snsTerminal += 1;
        break;
      case 3:
        // The latest record again, and a stale one (PENDING, version 1) that must not move the report back.
        await reputActivity(terminal);
        await reputActivity(eventAsPublished(view, paymentToken, 'PENDING'));
        figures.duplicates.kinesisTerminal += 1;
        figures.duplicates.kinesisStale += 1;
        break;
    }
  });
}

/** The report and the projection behind it, read until both agree (the stream may be applying a record meanwhile). */
async function reportSnapshot(date: string) {
  return eventually(
    async () => {
      const projection = await salesProjection(date);
      const answer = await call('GET', `/reports/sales?date=${date}`, { token: await tokenFor(`e2e-reliability-${run}-report`) });
      const again = await salesProjection(date);
      if (answer.status !== 200) throw new Error(`GET /reports/sales answered ${answer.status}`);
      const report: Tally = answer.body.totals;
      const stable = projection.size === again.size && [...projection.values()].every((o) => again.get(o.orderId)?.version === o.version);
      return stable && same(report, tally(projection.values())) ? { report, projection } : undefined;
    },
    `a stable sales report for ${date}`,
    30_000,
    500,
  );
}

const same = (a: Tally, b: Tally) => JSON.stringify(minus(a, b)) === JSON.stringify({ orders: 0, revenueCents: 0, byStatus: {} });
const without = (projection: Map<string, ProjectedOrder>, ours: Set<string>) => [...projection.values()].filter((o) => !ours.has(o.orderId));

beforeAll(async () => {
  const started = Date.now();
  const tokens = await Promise.all(Array.from({ length: CUSTOMERS }, (_, c) => tokenFor(`e2e-reliability-${run}-customer-${c}`)));
  // Warm the function instances this load needs with requests that create nothing (a 400 and a 404).
  await inPool(
    Array.from({ length: CONCURRENCY * 2 }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      await call('POST', '/orders', { token: tokens[i % CUSTOMERS], body: {} }).catch(() => undefined);
      await call('GET', `/orders/${randomUUID()}`, { token: tokens[i % CUSTOMERS] }).catch(() => undefined);
    },
  );
  for (const date of [today, tomorrow]) baseline.set(date, await reportSnapshot(date));

  await clearFaults(CONSOLE);
  for (const fault of FAULTS) await injectFault(CONSOLE, fault);
  await placeOrders(0, ORDERS / 2, tokens, false);
  await injectPoison();
  await placeOrders(ORDERS / 2, ORDERS, tokens, true);

  const statuses = await waitForTerminal(180_000);
  const views = await inPool(placed, CONCURRENCY, async (p) => ({ placed: p, view: await readOrder(p.token, p.orderId) }));
  await injectDuplicatesAfterSettling(views.filter(({ view }) => TERMINAL.has(view.status)));

  // Async retries after 1 s and 2 s, the payments queue's 5 receives 2 s apart: poison settles in ~10-20 s.
  await collectPoison(90_000);
  // Still busy after a minute means something loops; the assertions below then show what it left behind.
  await waitUntilIdle(['payments', 'reserveInventory-async-events', 'notifyCustomer-async-events', 'importOrders-async-events'], 60_000).catch(
    (error: Error) => {
      figures.stillBusy = error.message;
    },
  );
  // One shard delivers in order: once a poison record put now is discarded, every duplicate put before it was applied.
  const barrier = `poison-${run}-activity-barrier`;
  await putKinesisPoison(barrier, (key) => `${key} not json`);
  const barrierFound = await drainOwnMessages(FAILURE_QUEUES.aggregateActivity, ownPoison.aggregateActivity, [barrier], 60_000);
  for (const [key, body] of barrierFound) poisonFound.aggregateActivity.set(key, body);
  figures.poison.aggregateActivity = { injected: poisonKeys.aggregateActivity.length, found: poisonFound.aggregateActivity.size };

  // The orders as a client sees them, after every duplicate went through.
  const settled = await inPool(placed, CONCURRENCY, (p) => readOrder(p.token, p.orderId));
  for (const view of settled) finalViews.set(view.orderId, view);
  for (const p of placed) {
    const view = finalViews.get(p.orderId);
    if (!view || !TERMINAL.has(view.status)) notFinal.push({ orderId: p.orderId, status: view?.status ?? statuses.get(p.orderId) });
  }
  figures.faultsLeft = await faultsInForce(CONSOLE);
  await clearFaults(CONSOLE);
  figures.seconds = Math.round((Date.now() - started) / 1000);
}, SETUP_BUDGET_MS);

afterAll(() => {
  const byStatus: Record<string, number> = {};
  for (const view of finalViews.values()) byStatus[view.status] = (byStatus[view.status] ?? 0) + 1;
  const doubleCharged = [...finalViews.values()].filter((view) => view.payment.charges > 1).length;
  const wrong = placed.filter((p) => finalViews.get(p.orderId)?.status !== p.expected.status).length;
  console.log(
    [
      `reliability (run ${run}): ${placed.length} orders placed through POST /orders by ${CUSTOMERS} customers, ${CONCURRENCY} at a time, in ${figures.seconds} s`,
      `  orders by final status: ${JSON.stringify(byStatus)}`,
      `  faults injected: ${FAULTS.map((f) => `${f.function} ${f.mode} x${f.count}`).join(', ')}; left unused: ${figures.faultsLeft.length}`,
      `  duplicates injected: payments queue ${figures.duplicates.paymentsQueueInFlight} in flight + ${figures.duplicates.paymentsQueueAfterSettling} after settling; ` +
        `SNS OrderPaid ${figures.duplicates.snsOrderPaid}, SNS terminal ${figures.duplicates.snsTerminal}; ` +
        `Kinesis ${figures.duplicates.kinesisTerminal} latest + ${figures.duplicates.kinesisStale} stale`,
      `  poison injected/found: ${(Object.keys(FAILURE_QUEUES) as PoisonSource[])
        .filter((s) => figures.poison[s])
        .map((s) => `${FAILURE_QUEUES[s]} ${figures.poison[s].injected}/${figures.poison[s].found}`)
        .join(', ')}`,
      `  lost (not settled): ${notFinal.length}; wrong final status: ${wrong}; double-charged: ${doubleCharged}; POST /orders retried after a server failure: ${figures.httpRetries}`,
      `  report change from orders of other suites meanwhile: ${JSON.stringify(figures.foreignReportChange ?? 'not measured')}`,
      ...(figures.stillBusy ? [`  ${figures.stillBusy}`] : []),
    ].join('\n'),
  );
});

describe('reliability: nothing lost, duplicated or charged twice (SPEC §3)', () => {
  it('used every fault it injected (each function failed, timed out or slowed down as asked)', () => {
    expect(figures.faultsLeft).toEqual([]);
  });

  it(`settles all ${ORDERS} orders, each at exactly one terminal status, the one its token and stock call for`, () => {
    expect(placed).toHaveLength(ORDERS);
    expect(notFinal).toEqual([]);
    const wrong = placed
      .map((p) => ({
        orderId: p.orderId,
        token: p.body.paymentToken,
        skus: p.body.items.map((i) => i.sku),
        path: finalViews.get(p.orderId)?.history.map((h) => h.status),
        expected: p.expected.path,
      }))
      .filter((o) => JSON.stringify(o.path) !== JSON.stringify(o.expected));
    expect(wrong).toEqual([]);
  });

  it('charges each order at most once: CONFIRMED and CANCELLED exactly once, PAYMENT_FAILED never', () => {
    const wrong = placed
      .map((p) => ({ orderId: p.orderId, expected: p.expected, payment: finalViews.get(p.orderId)?.payment }))
      .filter(
        ({ expected, payment }) =>
          payment?.status !== expected.payment || payment.charges !== expected.charges || Boolean(payment.chargeId) !== (expected.charges === 1),
      );
    expect(wrong).toEqual([]);
  });

  it('notifies each customer once per order, of its terminal status, and of its shipment once a confirmed order ships', async () => {
    const expected = (status: string) => (status === 'CONFIRMED' ? ['CONFIRMED', 'SHIPPED'] : [status]);
    const notifiedWrongly = async () => {
      const notified = await inPool(placed, CONCURRENCY, async (p) => {
        const { Items = [] } = await dynamo.send(
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :n)',
            ExpressionAttributeValues: { ':pk': `ORDER#${p.orderId}`, ':n': 'NOTIFICATION#' },
          }),
        );
        return { orderId: p.orderId, statuses: Items.map((item) => item.status) };
      });
      return notified.filter((n, i) => JSON.stringify(n.statuses) !== JSON.stringify(expected(placed[i].expected.status)));
    };

    // The shipped e-mail follows fulfilment (an EventBridge hop and an async invocation after CONFIRMED).
    let wrong = await notifiedWrongly();
    for (const deadline = Date.now() + 30_000; wrong.length > 0 && Date.now() < deadline; wrong = await notifiedWrongly()) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(wrong).toEqual([]);
  });

  it('sends every poison message to its DLQ or on-failure destination, as Lambda does', () => {
    for (const source of Object.keys(FAILURE_QUEUES) as PoisonSource[]) {
      expect({ source, found: [...poisonFound[source].keys()].sort() }).toEqual({ source, found: [...poisonKeys[source]].sort() });
    }
    // The payments DLQ keeps the message as it was; the on-failure destinations get Lambda's invocation record.
    for (const body of poisonFound.payments.values()) expect(body).toContain(`poison-${run}`);
    for (const source of ['reserveInventory', 'notifyCustomer', 'importOrders'] as const) {
      for (const body of poisonFound[source].values()) {
        expect(JSON.parse(body)).toMatchObject({
          requestContext: {
            condition: 'RetriesExhausted',
            approximateInvokeCount: 3,
            functionArn: expect.stringContaining(`:function:orderflow-local-${source}`),
          },
          requestPayload: { Records: [expect.any(Object)] },
          responseContext: { functionError: 'Unhandled' },
          // What the function threw, as Lambda reports it: its error's name and message.
          responsePayload: { errorType: expect.stringMatching(/Error$/), errorMessage: expect.stringMatching(/\S/) },
        });
      }
    }
    for (const body of poisonFound.aggregateActivity.values()) {
      expect(JSON.parse(body)).toMatchObject({
        requestContext: { condition: 'RetryAttemptsExhausted', functionArn: expect.stringContaining(':function:orderflow-local-aggregateActivity') },
        KinesisBatchInfo: { shardId: expect.any(String), batchSize: expect.any(Number), streamArn: expect.stringContaining(ACTIVITY_STREAM) },
      });
    }
  });

  it('keeps the chain working after the poison: the orders placed after it settle as expected', () => {
    const after = placed.filter((p) => p.afterPoison);

    expect(after).toHaveLength(ORDERS / 2);
    expect(after.filter((p) => finalViews.get(p.orderId)?.status !== p.expected.status).map((p) => p.orderId)).toEqual([]);
  });

  it('counts each order once in the sales report: its totals grew by exactly the orders placed, by status', async () => {
    const ours = new Set(placed.map((p) => p.orderId));
    const placedOn = (date: string) => placed.filter((p) => finalViews.get(p.orderId)!.history[0].at.startsWith(date));
    let foreign: Tally = { orders: 0, revenueCents: 0, byStatus: {} };

    for (const date of [today, tomorrow]) {
      const before = baseline.get(date)!;
      const after = await eventually(
        async () => {
          const snapshot = await reportSnapshot(date);
          return placedOn(date).every((p) => snapshot.projection.has(p.orderId) && TERMINAL.has(snapshot.projection.get(p.orderId)!.status))
            ? snapshot
            : undefined;
        },
        `the report of ${date} to count our orders`,
        60_000,
        1000,
      );
      // Each of our orders once, at its terminal status and latest version, whatever was replayed.
      const projected = placedOn(date).map((p) => after.projection.get(p.orderId)!);
      expect(projected.filter((o) => o.status !== finalViews.get(o.orderId)!.status || o.version !== finalViews.get(o.orderId)!.history.length)).toEqual([]);

      // Other suites' orders may settle meanwhile when jest runs files in parallel: their change is measured, not guessed.
      const othersChange = minus(tally(without(after.projection, ours)), tally(without(before.projection, ours)));
      foreign = plus(foreign, othersChange);
      const expected = tally(placedOn(date).map((p) => ({ status: p.expected.status, totalCents: finalViews.get(p.orderId)!.totalCents })));
      expect(minus(after.report, before.report)).toEqual(minus(plus(expected, othersChange), { orders: 0, revenueCents: 0, byStatus: {} }));
    }
    figures.foreignReportChange = foreign;
  }, 150_000);
});
