import '../../support/quiet-sdk';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { startAsyncConsumer } from '../../../../offline/cloud/async/async-consumer';
import { createDestinationSender, type Destination } from '../../../../offline/cloud/lambda/destinations';
import { localClients, type LocalClients } from '../../../../offline/cloud/provision/clients';
import type { AsyncConsumerPlan } from '../../../../offline/cloud/provision/plan';
import { eventually } from '../../support/eventually';
import { alwaysFail, startFakeLambda, succeed, type FakeLambda } from '../../support/fake-lambda';
import { ACCOUNT_ID, REGION, startTestCloud, type TestCloud } from '../../support/test-cloud';

type Condition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';

type Record = any;

/** A destination of the test's own, and how to read the one record that reaches it. */
type Sink = { destination: Destination; read: () => Promise<Record> };

describe("Lambda's asynchronous invocation sends its records to destinations of every kind, over real sockets", () => {
  let cloud: TestCloud;
  let lambda: FakeLambda;
  let clients: LocalClients;
  const consumers: { stop(): Promise<void> }[] = [];
  const eventQueues = new Map<string, string>();
  const logs: string[] = [];
  const subscribed = new Set<string>();
  let n = 0;

  beforeAll(async () => {
    [cloud, lambda] = await Promise.all([startTestCloud(), startFakeLambda()]);
    clients = localClients({ region: REGION, sqs: cloud.sqsEndpoint, edge: cloud.edge, lambda: lambda.endpoint, accessKeyId: 'test' });
  });

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
  });

  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await Promise.all([cloud?.stop(), lambda?.stop()]);
  });

  const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${resource}`;

  /** Starts a function's async consumer (its event queue exists); returns its plan. */
  async function startFunction(key: string, rules: Partial<AsyncConsumerPlan>): Promise<AsyncConsumerPlan> {
    const plan: AsyncConsumerPlan = {
      functionKey: key,
      functionName: `orderflow-test-${key}`,
      source: 'sns',
      queue: `${key}-async-events`,
      maximumRetryAttempts: 0,
      maximumEventAgeSeconds: 60,
      ...rules,
    };
    await cloud.createQueue(plan.queue, { VisibilityTimeout: '15' });
    eventQueues.set(plan.functionName, plan.queue);
    const sendToDestination = createDestinationSender(clients, { asyncQueueOf: (name) => eventQueues.get(name), log: (m) => logs.push(m) });
    consumers.push(
      startAsyncConsumer(plan, {
        clients,
        region: REGION,
        accountId: ACCOUNT_ID,
        retryDelaysSeconds: [1],
        concurrency: 1,
        log: (m) => logs.push(m),
        sendToDestination,
      }),
    );
    return plan;
  }

  const sinks: { [kind in Destination['kind']]?: (key: string) => Promise<Sink> } = {
    async sqs(key) {
      const name = `${key}-records`;
      const url = await cloud.createQueue(name);
      return { destination: { kind: 'sqs', arn: arn('sqs', name), name }, read: async () => JSON.parse((await cloud.receive(url, 1, 8000))[0].Body!) };
    },
    async sns(key) {
      // Read through an SQS queue subscribed to the topic, as any subscriber would.
      const name = `${key}-records`;
      const { TopicArn } = await cloud.sdk.sns.send(new CreateTopicCommand({ Name: name }));
      const url = await cloud.createQueue(`${name}-subscriber`);
      await cloud.sdk.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: cloud.queueArn(`${name}-subscriber`) }));
      return {
        destination: { kind: 'sns', arn: TopicArn!, name },
        read: async () => {
          const envelope = JSON.parse((await cloud.receive(url, 1, 8000))[0].Body!);
          expect(envelope).toMatchObject({ Type: 'Notification', TopicArn });
          return JSON.parse(envelope.Message);
        },
      };
    },
    async lambda(key) {
      // The second function, invoked asynchronously with the record as its event.
      const target = await startFunction(`${key}-target`, { source: 'invoke' });
      lambda.script(target.functionName, succeed());
      const calls = () => lambda.invocations(target.functionName);
      return {
        destination: { kind: 'lambda', arn: arn('lambda', `function:${target.functionName}`), name: target.functionName },
        read: async () => (await eventually(() => (calls().length > 0 ? calls() : undefined), 'the target function to be invoked', 8000))[0].event,
      };
    },
    async s3(key) {
      const name = `${key}-records`.toLowerCase();
      await cloud.sdk.s3.send(new CreateBucketCommand({ Bucket: name }));
      return {
        destination: { kind: 's3', arn: `arn:aws:s3:::${name}`, name },
        read: async () => {
          const Prefix = `aws/lambda/async/orderflow-test-${key}/`;
          const objects = await eventually(
            async () => {
              const { Contents = [] } = await cloud.sdk.s3.send(new ListObjectsV2Command({ Bucket: name, Prefix }));
              return Contents.length > 0 ? Contents : undefined;
            },
            'the record object',
            8000,
          );
          expect(objects).toHaveLength(1);
          const today = new Date().toISOString().slice(0, 10);
          expect(objects[0].Key).toMatch(new RegExp(`^${Prefix}${today.replace(/-/g, '/')}/${today}T\\d\\d\\.\\d\\d\\.\\d\\d-[0-9a-f-]{36}$`));
          const object = await cloud.sdk.s3.send(new GetObjectCommand({ Bucket: name, Key: objects[0].Key }));
          return JSON.parse(await object.Body!.transformToString());
        },
      };
    },
  };

  const cases: [Destination['kind'], Condition][] = [
    ['sqs', 'Success'],
    ['sqs', 'RetriesExhausted'],
    ['sqs', 'EventAgeExceeded'],
    ['sns', 'Success'],
    ['sns', 'RetriesExhausted'],
    ['sns', 'EventAgeExceeded'],
    ['lambda', 'Success'],
    ['lambda', 'RetriesExhausted'],
    ['lambda', 'EventAgeExceeded'],
    // S3 takes on-failure records only (parseDestination's callers refuse it for onSuccess).
    ['s3', 'RetriesExhausted'],
    ['s3', 'EventAgeExceeded'],
  ];

  it.each(cases)(
    '%s destination, %s: the record in AWS shape',
    async (kind, condition) => {
      const key = `fn${++n}${kind}`;
      const sink = await sinks[kind]!(key);
      const property = condition === 'Success' ? 'onSuccess' : 'onFailure';
      const plan = await startFunction(key, { [property]: sink.destination });
      lambda.script(plan.functionName, condition === 'Success' ? succeed({ reserved: 2 }) : alwaysFail('stock service down'));
      const event = await queueEvent(plan, condition);

      const record = await sink.read();

      expect(record).toMatchObject({
        version: '1.0',
        requestContext: { functionArn: `${arn('lambda', `function:${plan.functionName}`)}:$LATEST`, condition },
        requestPayload: event,
        responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      });
      expect(record).not.toHaveProperty('payload');
      if (condition === 'Success') expect(record).toMatchObject({ requestContext: { approximateInvokeCount: 1 }, responsePayload: { reserved: 2 } });
      if (condition === 'RetriesExhausted') {
        expect(record).toMatchObject({
          requestContext: { approximateInvokeCount: 1 },
          responseContext: { functionError: 'Unhandled' },
          responsePayload: { errorMessage: 'stock service down' },
        });
      }
      if (condition === 'EventAgeExceeded') {
        expect(record).not.toHaveProperty('responsePayload');
        expect(lambda.invocations(plan.functionName)).toHaveLength(0);
      }
      await eventually(async () => ((await inQueue(plan.queue)) === 0 ? true : undefined), 'the event to be deleted');
    },
    20_000,
  );

  it('sends nothing to the on-failure destination when the function succeeds, nor to the on-success one when it fails', async () => {
    const key = `fn${++n}both`;
    const [onSuccess, onFailure] = await Promise.all([sinks.sqs!(`${key}-ok`), sinks.sqs!(`${key}-ko`)]);
    const plan = await startFunction(key, { onSuccess: onSuccess.destination, onFailure: onFailure.destination });
    lambda.script(plan.functionName, (event) => (event.Records[0].Sns.Message === 'fail' ? { throws: 'asked to' } : { returns: 'ok' }));

    await queueEvent(plan, 'Success', 'ok');
    await queueEvent(plan, 'RetriesExhausted', 'fail');

    const [success, failure] = await Promise.all([onSuccess.read(), onFailure.read()]);
    expect(success).toMatchObject({ requestContext: { condition: 'Success' }, responsePayload: 'ok' });
    expect(failure).toMatchObject({ requestContext: { condition: 'RetriesExhausted' }, responsePayload: { errorMessage: 'asked to' } });
    await eventually(async () => ((await inQueue(plan.queue)) === 0 ? true : undefined), 'both events to be deleted');
    expect(await cloud.drain(cloud.queueUrl(onSuccess.destination.name))).toEqual([]);
    expect(await cloud.drain(cloud.queueUrl(onFailure.destination.name))).toEqual([]);
  }, 20_000);

  it("chains functions: the target function's own on-success destination gets a record whose request is the first record", async () => {
    const key = `fn${++n}chain`;
    const last = await sinks.sqs!(`${key}-last`);
    const target = await startFunction(`${key}-target`, { source: 'invoke', onSuccess: last.destination });
    lambda.script(target.functionName, succeed('handled'));
    const plan = await startFunction(key, { onFailure: { kind: 'lambda', arn: arn('lambda', `function:${target.functionName}`), name: target.functionName } });
    lambda.script(plan.functionName, alwaysFail('first failed'));

    await queueEvent(plan, 'RetriesExhausted');

    const record = await last.read();
    expect(record).toMatchObject({
      requestContext: { condition: 'Success', functionArn: `${arn('lambda', `function:${target.functionName}`)}:$LATEST` },
      requestPayload: { requestContext: { condition: 'RetriesExhausted' }, responsePayload: { errorMessage: 'first failed' } },
      responsePayload: 'handled',
    });
  }, 20_000);

  it('drops a record its destination refuses, with a log line, and never invokes the event again', async () => {
    const key = `fn${++n}missing`;
    const plan = await startFunction(key, { onFailure: { kind: 'sqs', arn: arn('sqs', 'no-such-queue'), name: 'no-such-queue' } });
    lambda.script(plan.functionName, alwaysFail());

    await queueEvent(plan, 'RetriesExhausted');

    await eventually(
      () => logs.find((line) => line.startsWith(`${key}: the RetriesExhausted record could not be sent to ${arn('sqs', 'no-such-queue')}`)),
      'the log line',
      8000,
    );
    await eventually(async () => ((await inQueue(plan.queue)) === 0 ? true : undefined), 'the event to be deleted');
    expect(lambda.invocations(plan.functionName)).toHaveLength(1);
  }, 20_000);

  // The EventBridge branch had not landed: PutEvents is checked on the client, the rest over real sockets.
  describe('to an EventBridge bus', () => {
    const events = () => mockClient(clients.eventbridge);

    it.each([
      ['Success', 'onSuccess', 'Lambda Function Invocation Result - Success'],
      ['RetriesExhausted', 'onFailure', 'Lambda Function Invocation Result - Failure'],
      ['EventAgeExceeded', 'onFailure', 'Lambda Function Invocation Result - Failure'],
    ] as const)(
      '%s: one PutEvents with source lambda, the detail type, the record as detail, the function and bus as resources',
      async (condition, property, detailType) => {
        const eventbridge = events();
        eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
        try {
          const key = `fn${++n}bus`;
          const bus: Destination = { kind: 'eventbridge', arn: arn('events', 'event-bus/orderflow-local-bus'), name: 'orderflow-local-bus' };
          const plan = await startFunction(key, { [property]: bus });
          lambda.script(plan.functionName, condition === 'Success' ? succeed({ reserved: 1 }) : alwaysFail());
          const event = await queueEvent(plan, condition);

          const [call] = await eventually(
            () => (eventbridge.commandCalls(PutEventsCommand).length > 0 ? eventbridge.commandCalls(PutEventsCommand) : undefined),
            'PutEvents',
            8000,
          );

          const functionArn = `${arn('lambda', `function:${plan.functionName}`)}:$LATEST`;
          expect(call.args[0].input).toEqual({
            Entries: [
              { Source: 'lambda', DetailType: detailType, Detail: expect.any(String), Resources: [functionArn, bus.arn], EventBusName: 'orderflow-local-bus' },
            ],
          });
          const detail = JSON.parse(call.args[0].input.Entries![0].Detail!);
          expect(detail).toMatchObject({ version: '1.0', requestContext: { condition, functionArn }, requestPayload: event });
          await eventually(async () => ((await inQueue(plan.queue)) === 0 ? true : undefined), 'the event to be deleted');
          expect(eventbridge.commandCalls(PutEventsCommand)).toHaveLength(1);
        } finally {
          eventbridge.restore();
        }
      },
      20_000,
    );
  });

  /** Puts one event in the function's queue: published through SNS, or already too old for EventAgeExceeded. Returns the Lambda event. */
  async function queueEvent(plan: AsyncConsumerPlan, condition: Condition, message = `{"orderId":"${plan.functionKey}"}`) {
    const { TopicArn } = await cloud.sdk.sns.send(new CreateTopicCommand({ Name: `${plan.functionKey}-events` }));
    if (condition !== 'EventAgeExceeded') {
      if (!subscribed.has(plan.queue)) await cloud.sdk.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: cloud.queueArn(plan.queue) }));
      subscribed.add(plan.queue);
      await cloud.sdk.sns.send(new PublishCommand({ TopicArn, Message: message }));
      return expect.objectContaining({
        Records: [expect.objectContaining({ EventSource: 'aws:sns', Sns: expect.objectContaining({ TopicArn, Message: message }) })],
      });
    }
    const envelope = { Type: 'Notification', MessageId: 'm-1', TopicArn, Message: message, Timestamp: new Date().toISOString() };
    await cloud.sdk.sqs.send(
      new SendMessageCommand({
        QueueUrl: cloud.queueUrl(plan.queue),
        MessageBody: JSON.stringify(envelope),
        MessageAttributes: { LambdaAsyncEnqueuedAt: { DataType: 'Number', StringValue: String(Date.now() - 3600_000) } },
      }),
    );
    return expect.objectContaining({ Records: [expect.objectContaining({ Sns: expect.objectContaining({ Message: message }) })] });
  }

  async function inQueue(queue: string) {
    const { Attributes = {} } = await cloud.sdk.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: cloud.queueUrl(queue),
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  }
});
