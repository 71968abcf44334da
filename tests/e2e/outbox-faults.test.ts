import { DeleteRuleCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageBatchCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { clearFaults, injectFault } from '../support/console-api';
import { call, settled, tokenFor } from './support/api';
import { sqs } from './support/aws';
import { E2E_PORTS } from './support/ports';
import { queueDepth } from './support/queues';

/*
 * The outbox under a fault: for a while every invocation of publishOrderEvents fails (a fault injected
 * through the local cloud's console, as AWS FIS's Lambda actions do), so it fails its first attempts on
 * the orders placed meanwhile. Lambda's stream semantics retry them in order; once the fault is lifted,
 * every status change of every order reaches the bus, and nothing is discarded to its failure queue.
 */
jest.setTimeout(90_000);

const BUS = 'orderflow-local';
const PROBE = 'orderflow-local-outbox-fault-probe';
const CONSOLE = `http://127.0.0.1:${E2E_PORTS.console}`;
const FAULT_MS = 3000;
const events = new EventBridgeClient({
  region: 'us-east-1',
  endpoint: `http://127.0.0.1:${E2E_PORTS.edge}`,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
afterAll(() => events.destroy());

/** Every integration event the probe queue received so far, as [orderId, detail-type, version]. */
async function received(queueUrl: string, into: Map<string, { detailType: string; version: number }[]>): Promise<void> {
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return;
    for (const message of Messages) {
      const event = JSON.parse(message.Body!) as { 'detail-type': string; detail: { orderId: string; version: number } };
      into.set(event.detail.orderId, [...(into.get(event.detail.orderId) ?? []), { detailType: event['detail-type'], version: event.detail.version }]);
    }
    await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
    );
  }
}

describe('the outbox when it fails for a while', () => {
  let queueUrl: string;
  beforeAll(async () => {
    ({ QueueUrl: queueUrl } = (await sqs.send(new CreateQueueCommand({ QueueName: PROBE }))) as { QueueUrl: string });
    const { QueueArn } = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes as {
      QueueArn: string;
    };
    await events.send(new PutRuleCommand({ Name: 'outbox-fault-probe', EventBusName: BUS, EventPattern: JSON.stringify({ source: ['orderflow'] }) }));
    await events.send(new PutTargetsCommand({ Rule: 'outbox-fault-probe', EventBusName: BUS, Targets: [{ Id: 'probe', Arn: QueueArn }] }));
  });
  afterAll(async () => {
    await events.send(new RemoveTargetsCommand({ Rule: 'outbox-fault-probe', EventBusName: BUS, Ids: ['probe'] })).catch(() => undefined);
    await events.send(new DeleteRuleCommand({ Name: 'outbox-fault-probe', EventBusName: BUS })).catch(() => undefined);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
  });

  it('retries the status changes it could not publish, in order, until every one is on the bus', async () => {
    // Arrange: every invocation of the outbox fails, and orders are placed meanwhile.
    const token = await tokenFor('outbox-fault-customer');
    const failuresBefore = await queueDepth('publish-order-events-failures');
    await injectFault(CONSOLE, { function: 'publishOrderEvents', mode: 'error', percent: 100 });
    const seen = new Map<string, { detailType: string; version: number }[]>();
    let orderIds: string[];
    try {
      const bodies = [
        { items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_visa' },
        { items: [{ sku: 'SKU-2', quantity: 1 }], paymentToken: 'tok_declined' },
        { items: [{ sku: 'SKU-OOS', quantity: 1 }], paymentToken: 'tok_visa' },
        { items: [{ sku: 'SKU-3', quantity: 1 }], paymentToken: 'tok_flaky_1' },
      ];
      const placed = await Promise.all(bodies.map((body) => call('POST', '/orders', { token, body })));
      expect(placed.map((answer) => answer.status)).toEqual([202, 202, 202, 202]);
      orderIds = placed.map((answer) => answer.body.orderId);
      await new Promise((resolve) => setTimeout(resolve, FAULT_MS));
      // Act (the fault holds): nothing of these orders reached the probe, for the outbox published nothing.
      await received(queueUrl, seen);
      expect(orderIds.filter((orderId) => seen.has(orderId))).toEqual([]);
    } finally {
      await clearFaults(CONSOLE);
    }

    // Assert: every order settles, and each of its status changes reaches the bus, in version order.
    const finals = await Promise.all(orderIds.map((orderId) => settled(token, orderId, 30_000)));
    expect(finals.map((order) => order.status)).toEqual(['CONFIRMED', 'PAYMENT_FAILED', 'CANCELLED', 'CONFIRMED']);
    const expectedTypes = {
      PENDING: 'OrderPlaced',
      PAID: 'OrderPaid',
      CONFIRMED: 'OrderConfirmed',
      PAYMENT_FAILED: 'OrderPaymentFailed',
      CANCELLED: 'OrderCancelled',
    };
    const want = finals.map((order) =>
      order.history.map((change: { status: keyof typeof expectedTypes }, i: number) => ({ detailType: expectedTypes[change.status], version: i + 1 })),
    );
    const deadline = Date.now() + 20_000;
    const got = () => orderIds.map((orderId) => dedupe(seen.get(orderId) ?? []));
    while (Date.now() < deadline && JSON.stringify(got()) !== JSON.stringify(want)) {
      await received(queueUrl, seen);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(got()).toEqual(want);
    expect(await queueDepth('publish-order-events-failures')).toEqual(failuresBefore);
  });
});

/** One entry per version, in the order first received: a retried change may arrive twice (at least once). */
function dedupe(entries: { detailType: string; version: number }[]): { detailType: string; version: number }[] {
  const byVersion = new Map<number, { detailType: string; version: number }>();
  for (const entry of entries) if (!byVersion.has(entry.version)) byVersion.set(entry.version, entry);
  return [...byVersion.values()];
}
