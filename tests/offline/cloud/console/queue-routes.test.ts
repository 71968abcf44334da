import '../../support/quiet-sdk';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { startConsoleServer, type ConsoleServer } from '../../../../offline/cloud/console/console-server';
import { queueRoutes, type QueueDepth } from '../../../../offline/cloud/console/queue-routes';
import { serviceWiring, wiringRoutes, type Wiring } from '../../../../offline/cloud/console/wiring';
import { localClients, type LocalClients } from '../../../../offline/cloud/provision/clients';
import { asyncQueueName, planLocalCloud, type LocalCloudPlan } from '../../../../offline/cloud/provision/plan';
import { provision } from '../../../../offline/cloud/provision/provision';
import { resolvedService } from '../../support/resolved-service';
import { ACCOUNT_ID, startTestCloud, type TestCloud } from '../../support/test-cloud';

const PAYMENTS = 'orderflow-local-payments';
const PAYMENTS_DLQ = 'orderflow-local-payments-dlq';
const RESERVE_FAILURES = 'orderflow-local-reserve-inventory-failures';

/**
 * The console's wiring and queue routes, served by the real console server, over the plan of the real
 * serverless.yml provisioned into the embedded emulators.
 */
describe('the console: wiring and queue routes over the embedded SQS', () => {
  let cloud: TestCloud;
  let clients: LocalClients;
  let plan: LocalCloudPlan;
  let wiring: Wiring;
  let server: ConsoleServer;
  const logged: string[] = [];

  const api = async (method: string, path: string) => {
    const response = await fetch(`${server.url}${path}`, { method });
    return { status: response.status, body: (await response.json()) as any };
  };
  const depthOf = async (queue: string): Promise<QueueDepth> => (await api('GET', '/api/queues')).body.queues.find((q: QueueDepth) => q.name === queue);
  const send = (queue: string, body: string, extra: Record<string, unknown> = {}) =>
    cloud.sdk.sqs.send(new SendMessageCommand({ QueueUrl: cloud.queueUrl(queue), MessageBody: body, ...extra }));

  beforeAll(async () => {
    const config = await resolvedService();
    cloud = await startTestCloud();
    plan = planLocalCloud(config, { stage: 'local', accountId: ACCOUNT_ID, sqsEndpoint: cloud.sqsEndpoint });
    // No stream destination is redriven here: the Lambda endpoint is never called.
    clients = localClients({ region: plan.region, sqs: cloud.sqsEndpoint, edge: cloud.edge, lambda: 'http://127.0.0.1:9', accessKeyId: 'test' });
    await provision(plan, clients);
    wiring = serviceWiring(config, plan, 'local');
    server = await startConsoleServer({
      port: 0,
      routes: [...wiringRoutes(wiring), ...queueRoutes({ plan, clients, wiring, log: (m) => logged.push(m) })],
      log: (m) => logged.push(m),
    });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    for (const client of Object.values(clients ?? {})) client.destroy();
    await cloud?.stop();
  });

  it('draws the wiring of serverless.yml: triggers, functions, destinations and DLQs, without Lambda’s own event queues', async () => {
    const { status, body } = await api('GET', '/api/wiring');

    expect(status).toBe(200);
    expect(body.service).toBe('orderflow');
    const edges = body.edges as Wiring['edges'];
    expect(edges).toEqual(
      expect.arrayContaining([
        { from: 'http:POST /orders', to: 'function:createOrder', kind: 'trigger' },
        { from: 'topic:orderflow-local-order-events', to: `queue:${PAYMENTS}`, kind: 'subscription', label: 'filter {"eventType":["OrderPlaced"]}' },
        { from: `queue:${PAYMENTS}`, to: 'function:processPayment', kind: 'trigger', label: 'batch 10' },
        { from: `queue:${PAYMENTS}`, to: `queue:${PAYMENTS_DLQ}`, kind: 'dead-letter', label: 'after 5 receives' },
        { from: 'topic:orderflow-local-order-events', to: 'function:reserveInventory', kind: 'trigger', label: 'filter {"eventType":["OrderPaid"]}' },
        { from: 'function:reserveInventory', to: `queue:${RESERVE_FAILURES}`, kind: 'on-failure', label: 'after 2 retries' },
        { from: 'bucket:orderflow-local-imports', to: 'function:importOrders', kind: 'trigger', label: 's3:ObjectCreated:* · prefix incoming/ · suffix .csv' },
        expect.objectContaining({ from: 'stream:orderflow-local-order-activity', to: 'function:aggregateActivity', kind: 'trigger' }),
        expect.objectContaining({ from: 'schedule:rate(1 minute)', to: 'function:expireStaleOrders', kind: 'trigger' }),
      ]),
    );
    expect(body.nodes).toContainEqual({ id: `queue:${PAYMENTS_DLQ}`, kind: 'queue', name: PAYMENTS_DLQ, label: 'payments-dlq' });
    expect(body.nodes.filter((n: { name: string }) => n.name.endsWith('-async-events'))).toEqual([]);
    // Every edge joins two nodes that are drawn.
    const ids = new Set(body.nodes.map((n: { id: string }) => n.id));
    expect(edges.filter((e) => !ids.has(e.from) || !ids.has(e.to))).toEqual([]);
  });

  it("counts every queue's visible, in-flight and delayed messages, and says what each queue is", async () => {
    const notifyEvents = asyncQueueName('orderflow', 'local', 'notifyCustomer');
    await send(notifyEvents, 'visible');
    await send(notifyEvents, 'taken');
    await send(notifyEvents, 'later', { DelaySeconds: 60 });
    await cloud.sdk.sqs.send(new ReceiveMessageCommand({ QueueUrl: cloud.queueUrl(notifyEvents), MaxNumberOfMessages: 1, VisibilityTimeout: 60 }));

    const { status, body } = await api('GET', '/api/queues');

    expect(status).toBe(200);
    expect(body.queues.map((q: QueueDepth) => q.name).sort()).toEqual(plan.queues.map((q) => q.name).sort());
    expect(await depthOf(notifyEvents)).toEqual({
      name: notifyEvents,
      visible: 1,
      inFlight: 1,
      delayed: 1,
      roles: [{ kind: 'event-queue', of: 'notifyCustomer' }],
      redrivable: false,
      peekable: false,
    });
    expect(await depthOf(PAYMENTS)).toEqual({
      name: PAYMENTS,
      visible: 0,
      inFlight: 0,
      delayed: 0,
      roles: [
        { kind: 'subscription', of: 'orderflow-local-order-events' },
        { kind: 'trigger', of: 'processPayment' },
      ],
      redrivable: false,
      peekable: false,
    });
    expect(await depthOf(PAYMENTS_DLQ)).toMatchObject({ roles: [{ kind: 'dead-letter', of: PAYMENTS }], redrivable: true, peekable: true });
    expect(await depthOf(RESERVE_FAILURES)).toMatchObject({
      roles: [{ kind: 'on-failure-destination', of: 'reserveInventory' }],
      redrivable: true,
      peekable: true,
    });
  });

  it('refuses to read a queue that a receive would change (SQS has no peek), saying why', async () => {
    const answer = await api('GET', `/api/queues/payments/messages`);

    expect(answer.status).toBe(409);
    expect(answer.body.error).toEqual({
      code: 'NOT_PEEKABLE',
      message: `${PAYMENTS} cannot be read without changing it (a receive would count toward its maxReceiveCount); SQS has no peek. Its depth is in GET /api/queues`,
    });
    expect((await api('GET', `/api/queues/reserveInventory-async-events/messages`)).body.error.message).toMatch(/\(reserveInventory polls it\)/);
  });

  it("shows a DLQ's messages and leaves them there", async () => {
    await send(PAYMENTS_DLQ, 'OrderPlaced 3f1c9a52 (not JSON)', { MessageAttributes: { correlationId: { DataType: 'String', StringValue: 'corr-1' } } });
    await send(PAYMENTS_DLQ, '{"eventType":"OrderPlaced","orderId":"o-2"}');

    const first = await api('GET', `/api/queues/payments-dlq/messages`);
    const again = await api('GET', `/api/queues/${PAYMENTS_DLQ}/messages`);

    expect(first.status).toBe(200);
    expect(first.body.queue).toBe(PAYMENTS_DLQ);
    expect(first.body.messages.map((m: { body: string }) => m.body).sort()).toEqual([
      'OrderPlaced 3f1c9a52 (not JSON)',
      '{"eventType":"OrderPlaced","orderId":"o-2"}',
    ]);
    const raw = first.body.messages.find((m: { body: string }) => m.body.startsWith('OrderPlaced'));
    expect(raw.messageAttributes).toEqual({ correlationId: { DataType: 'String', StringValue: 'corr-1' } });
    expect(raw.summary).toBe('OrderPlaced 3f1c9a52 (not JSON)');
    expect(again.body.messages).toHaveLength(2);
    expect(await depthOf(PAYMENTS_DLQ)).toMatchObject({ visible: 2, inFlight: 0 });
  });

  it('refuses a bad max and an unknown queue', async () => {
    expect((await api('GET', `/api/queues/payments-dlq/messages?max=11`)).body.error).toEqual({
      code: 'BAD_REQUEST',
      message: 'max must be an integer from 1 to 10',
    });
    expect((await api('GET', `/api/queues/nothing/messages`)).status).toBe(404);
    expect(await api('POST', `/api/queues/payments/redrive`)).toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'payments is not a DLQ or on-failure queue of this service' } },
    });
  });

  it('redrives a DLQ back to its source queue, as npm run dlq:redrive does, attributes and all', async () => {
    const answer = await api('POST', `/api/queues/payments-dlq/redrive`);

    expect(answer).toEqual({ status: 200, body: { queue: PAYMENTS_DLQ, moved: 2, to: PAYMENTS } });
    expect(await depthOf(PAYMENTS_DLQ)).toMatchObject({ visible: 0, inFlight: 0, delayed: 0 });
    const back = await cloud.receive(cloud.queueUrl(PAYMENTS), 2);
    expect(back.map((m) => m.Body).sort()).toEqual(['OrderPlaced 3f1c9a52 (not JSON)', '{"eventType":"OrderPlaced","orderId":"o-2"}']);
    expect(back.find((m) => m.Body!.startsWith('OrderPlaced'))!.MessageAttributes).toEqual({ correlationId: { DataType: 'String', StringValue: 'corr-1' } });
  });

  it("redrives an async function's on-failure destination into the function's event queue", async () => {
    const event = { source: 'orderflow.test', detail: { orderId: 'o-3' } };
    await send(
      RESERVE_FAILURES,
      JSON.stringify({
        requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
        requestPayload: event,
        responsePayload: { errorMessage: 'boom' },
      }),
    );
    expect((await api('GET', `/api/queues/reserve-inventory-failures/messages`)).body.messages[0].summary).toBe('RetriesExhausted after 3 invocation(s): boom');

    expect(await api('POST', `/api/queues/reserve-inventory-failures/redrive`)).toEqual({
      status: 200,
      body: { queue: RESERVE_FAILURES, moved: 1, to: 'reserveInventory' },
    });

    const [queued] = await cloud.receive(cloud.queueUrl(asyncQueueName('orderflow', 'local', 'reserveInventory')), 1);
    expect(JSON.parse(queued.Body!)).toEqual(event);
    expect(logged).toEqual([]);
  });
});
