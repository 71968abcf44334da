import '../../support/quiet-sdk';
import { Worker } from 'node:worker_threads';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { localClients, type LocalClients } from '../../../../offline/cloud/provision/clients';
import type { AsyncConsumerPlan, SchedulePlan } from '../../../../offline/cloud/provision/plan';
import { startAsyncConsumer } from '../../../../offline/cloud/async/async-consumer';
import { startScheduler, type Scheduler } from '../../../../offline/cloud/async/scheduler';
import { createDestinationSender } from '../../../../offline/cloud/lambda/destinations';
import { createLocalClock, readClockOffsetMs, type LocalClock } from '../../../../offline/cloud/control/local-clock';
import { clockRoutes } from '../../../../offline/cloud/control/clock-routes';
import type { ApiRequest, Route } from '../../../../offline/cloud/console/route';
import { LOCAL_CLOCK_KEY, shareClockWithFunctions } from '../../../../offline/plugin/function-clock';
import { alwaysFail, startFakeLambda, type FakeLambda } from '../../support/fake-lambda';
import { ACCOUNT_ID, REGION, startTestCloud, type TestCloud } from '../../support/test-cloud';

const HOUR = 3600;

describe('the local clock', () => {
  it('advances, and maps an emulator timestamp to the local time of its instant', async () => {
    let real = 1_000_000;
    const clock = createLocalClock({ realNow: () => real });
    const before = real - 10;

    await clock.advance(60);
    real += 5;

    expect(clock.now()).toBe(real + 60_000);
    expect(clock.toLocal(before)).toBe(before); // stamped before the advance: its age spans it
    expect(clock.toLocal(real)).toBe(real + 60_000);
  });

  it('is kept in its file, which `invoke local` reads, and restored by the next run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clock-'));
    try {
      const file = join(dir, 'clock.json');
      await createLocalClock({ file }).advance(90);

      expect(readClockOffsetMs(file)).toBe(90_000);
      expect(createLocalClock({ file, restore: true }).offsetMs()).toBe(90_000);
      expect(createLocalClock({ file, restore: false }).offsetMs()).toBe(0);
      expect(readClockOffsetMs(file)).toBe(0); // a run that starts anew says so
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the clock functions read (plugin/function-clock.ts, lib/clock.ts)', () => {
  it('shows an advance at once, in this thread and in a worker thread created before it', async () => {
    const functionClock = shareClockWithFunctions(0);
    const { systemClock } = await import('../../../../lib/clock');
    const worker = new Worker(
      `const { getEnvironmentData, parentPort } = require('node:worker_threads');
       const offset = new BigInt64Array(getEnvironmentData(${JSON.stringify(LOCAL_CLOCK_KEY)}));
       parentPort.on('message', () => parentPort.postMessage(Number(Atomics.load(offset, 0))));`,
      { eval: true },
    );
    const askWorker = () => new Promise<number>((resolve) => (worker.once('message', resolve), worker.postMessage('offset?')));
    try {
      expect(await askWorker()).toBe(0);

      functionClock.set(HOUR * 1000);

      expect(await askWorker()).toBe(HOUR * 1000);
      expect(systemClock().getTime() - Date.now()).toBeGreaterThanOrEqual(HOUR * 1000 - 50);
      expect(systemClock().getTime() - Date.now()).toBeLessThanOrEqual(HOUR * 1000 + 50);
    } finally {
      functionClock.set(0);
      await worker.terminate();
    }
  });
});

describe('the clock API over the embedded cloud', () => {
  let cloud: TestCloud;
  let lambda: FakeLambda;
  let clients: LocalClients;
  let clock: LocalClock;
  let routes: Route[];
  let scheduler: Scheduler | undefined;
  let schedules: SchedulePlan[] = [];
  const stops: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    [cloud, lambda] = await Promise.all([startTestCloud(), startFakeLambda()]);
    clients = localClients({ region: REGION, sqs: cloud.sqsEndpoint, edge: cloud.edge, lambda: lambda.endpoint, accessKeyId: 'test' });
  });

  beforeEach(() => {
    clock = createLocalClock();
    // As local-cloud.ts wires it: an advance moves the queues' timers and the schedules.
    clock.onAdvance((ms) => {
      cloud.shiftQueueTimers(-ms);
      scheduler?.rearm();
    });
    schedules = [];
    scheduler = undefined;
    routes = clockRoutes({
      clock,
      fireSchedule: (functionKey) => scheduler?.fireNow(functionKey),
      scheduledFunctions: () => schedules.map((s) => s.functionKey),
      skipDelays: () => ({ ended: cloud.shiftQueueTimers(-Infinity) }),
    });
  });

  afterEach(async () => {
    await Promise.all(stops.splice(0).map((s) => s.stop()));
  });

  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await Promise.all([cloud?.stop(), lambda?.stop()]);
  });

  const call = (method: Route['method'], path: string, body?: unknown, params: ApiRequest['params'] = {}) =>
    routes.find((r) => r.method === method && r.path === path)!.handle({ params, query: new URLSearchParams(), body });

  it('reads and advances the clock; a bad advance is a 400 naming the field', async () => {
    expect((await call('GET', '/api/clock')).body).toMatchObject({ offsetSeconds: 0 });

    const advanced = await call('POST', '/api/clock/advance', { seconds: 90 });

    expect(advanced.status).toBe(200);
    expect(advanced.body).toMatchObject({ offsetSeconds: 90 });
    expect(Date.parse((advanced.body as { now: string }).now) - Date.now()).toBeGreaterThan(89_000);
    for (const body of [undefined, {}, { seconds: '90' }, { seconds: -1 }, { seconds: 0 }, { seconds: Infinity }, { seconds: 1e12 }]) {
      const refused = await call('POST', '/api/clock/advance', body);
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body)).toContain('seconds');
    }
    expect((await call('GET', '/api/clock')).body).toMatchObject({ offsetSeconds: 90 });
  });

  it('sends an event whose retry outlives maximumEventAge under an advanced clock to on-failure as EventAgeExceeded, in milliseconds', async () => {
    const plan: AsyncConsumerPlan = {
      functionKey: 'aging',
      functionName: 'clock-test-aging',
      source: 'sns',
      queue: 'aging-async-events',
      maximumRetryAttempts: 2,
      maximumEventAgeSeconds: 60,
      onFailure: { kind: 'sqs', arn: cloud.queueArn('aging-failures'), name: 'aging-failures' },
    };
    await cloud.createQueue(plan.queue, { VisibilityTimeout: '30' });
    const failuresUrl = await cloud.createQueue('aging-failures');
    const { TopicArn } = await cloud.sdk.sns.send(new CreateTopicCommand({ Name: 'aging-events' }));
    await cloud.sdk.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: cloud.queueArn(plan.queue) }));
    lambda.script(plan.functionName, alwaysFail('still down'));
    const sendToDestination = createDestinationSender(clients, { asyncQueueOf: () => undefined, log: () => undefined });
    // Lambda's own retry delay (a minute): only the clock can bring the retry in time for this test.
    const retryDelaysSeconds = [60];
    stops.push(
      startAsyncConsumer(plan, {
        clients,
        region: REGION,
        accountId: ACCOUNT_ID,
        retryDelaysSeconds,
        concurrency: 1,
        log: () => undefined,
        sendToDestination,
        clock,
      }),
    );

    await cloud.sdk.sns.send(new PublishCommand({ TopicArn, Message: '{"orderId":"o-aging"}' }));
    await waitFor(() => lambda.invocations(plan.functionName).length === 1, 'the first attempt');
    await new Promise((resolve) => setTimeout(resolve, 100)); // the retry is queued with its delay
    await call('POST', '/api/clock/advance', { seconds: 120 });

    const [failure] = await cloud.receive(failuresUrl, 1, 3000);
    expect(JSON.parse(failure.Body!)).toMatchObject({
      requestContext: { condition: 'EventAgeExceeded', approximateInvokeCount: 1 },
      requestPayload: { Records: [{ Sns: { Message: '{"orderId":"o-aging"}' } }] },
    });
    expect(lambda.invocations(plan.functionName)).toHaveLength(1);
  });

  it("fires a function's schedule now with the local time, and answers 404 naming a function without one", async () => {
    const queueUrl = await cloud.createQueue('nightly-async-events');
    schedules = [{ functionKey: 'nightly', ruleName: 'nightly-rule', expression: 'cron(0 3 * * ? *)', queue: 'nightly-async-events' }];
    scheduler = startScheduler(schedules, { clients, region: REGION, accountId: ACCOUNT_ID, log: () => undefined, now: clock.now });
    stops.push(scheduler);
    await clock.advance(600); // ten minutes ahead: the event says local time

    const fired = await call('POST', '/api/schedules/:function/fire', undefined, { function: 'nightly' });
    const missing = await call('POST', '/api/schedules/:function/fire', undefined, { function: 'weekly' });

    expect(fired).toMatchObject({ status: 200, body: { function: 'nightly', fired: 1 } });
    const [event] = await cloud.receive(queueUrl, 1, 3000);
    const body = JSON.parse(event.Body!);
    expect(body).toMatchObject({ 'detail-type': 'Scheduled Event', source: 'aws.events' });
    expect(Date.parse(body.time) - Date.now()).toBeGreaterThan(590_000);
    expect(missing.status).toBe(404);
    expect(JSON.stringify(missing.body)).toContain('weekly has no schedule (functions with one: nightly)');
  });

  it('fires a schedule whose next run the clock passed, once', async () => {
    const queueUrl = await cloud.createQueue('hourly-async-events');
    schedules = [{ functionKey: 'hourly', ruleName: 'hourly-rule', expression: 'rate(1 hour)', queue: 'hourly-async-events' }];
    scheduler = startScheduler(schedules, { clients, region: REGION, accountId: ACCOUNT_ID, log: () => undefined, now: clock.now });
    stops.push(scheduler);

    await call('POST', '/api/clock/advance', { seconds: 3 * HOUR + 1 });

    const [event] = await cloud.receive(queueUrl, 1, 3000);
    expect(JSON.parse(event.Body!)['detail-type']).toBe('Scheduled Event');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await cloud.drain(queueUrl)).toEqual([]);
  });

  it('ends delays and visibility timeouts now (skip-delays)', async () => {
    const queueUrl = await cloud.createQueue('skipping', { VisibilityTimeout: '900' });
    await cloud.sdk.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'delayed', DelaySeconds: 900 }));
    await cloud.sdk.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'in flight' }));
    const first = await cloud.sdk.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    expect(first.Messages?.map((m) => m.Body)).toEqual(['in flight']);

    const skipped = await call('POST', '/api/clock/skip-delays');

    expect(skipped.body).toEqual({ ended: 2 });
    const again = await cloud.receive(queueUrl, 2, 2000);
    expect(again.map((m) => m.Body).sort()).toEqual(['delayed', 'in flight']);
    expect(again.find((m) => m.Body === 'in flight')).toBeDefined();
  });
});

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
