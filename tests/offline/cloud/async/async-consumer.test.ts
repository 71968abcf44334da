import '../../support/quiet-sdk';
import { CreateEventBusCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { localClients, type LocalClients } from '../../../../offline/cloud/provision/clients';
import type { AsyncConsumerPlan } from '../../../../offline/cloud/provision/plan';
import { lambdaEvent, startAsyncConsumer } from '../../../../offline/cloud/async/async-consumer';
import type { Invoker } from '../../../../offline/cloud/lambda/invoke';
import { createDestinationSender, type SendToDestination } from '../../../../offline/cloud/lambda/destinations';
import { eventually } from '../../support/eventually';
import { alwaysFail, failTimes, startFakeLambda, succeed, type FakeLambda } from '../../support/fake-lambda';
import { ACCOUNT_ID, REGION, startTestCloud, type TestCloud } from '../../support/test-cloud';

const ENVELOPE = {
  Type: 'Notification',
  MessageId: '7f1c2a9e-0000-4000-8000-000000000001',
  TopicArn: 'arn:aws:sns:us-east-1:000000000000:orderflow-local-order-events',
  Message: '{"type":"OrderPaid","orderId":"o-1"}',
  Timestamp: '2026-01-01T00:00:00.000Z',
  SignatureVersion: '1',
  Signature: 'LOCAL',
  SigningCertURL: 'http://127.0.0.1:4566/local-sns.pem',
  UnsubscribeURL: 'http://127.0.0.1:4566/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:000000000000:orderflow-local-order-events:1',
  MessageAttributes: { eventType: { Type: 'String', Value: 'OrderPaid' } },
};

describe('lambdaEvent', () => {
  it("turns an SNS envelope into Lambda's SNS event, with Lambda's field names", () => {
    const event = lambdaEvent(
      { source: 'sns', subscriptionArn: 'arn:aws:sns:us-east-1:000000000000:orderflow-local-order-events:sub-1' },
      JSON.stringify(ENVELOPE),
    );

    expect(event).toEqual({
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: 'arn:aws:sns:us-east-1:000000000000:orderflow-local-order-events:sub-1',
          Sns: {
            Type: 'Notification',
            MessageId: ENVELOPE.MessageId,
            TopicArn: ENVELOPE.TopicArn,
            Subject: null,
            Message: ENVELOPE.Message,
            Timestamp: ENVELOPE.Timestamp,
            SignatureVersion: '1',
            Signature: 'LOCAL',
            SigningCertUrl: ENVELOPE.SigningCertURL,
            UnsubscribeUrl: ENVELOPE.UnsubscribeURL,
            MessageAttributes: { eventType: { Type: 'String', Value: 'OrderPaid' } },
          },
        },
      ],
    });
  });

  it('keeps the subject, and defaults the subscription ARN and the attributes', () => {
    const { MessageAttributes: _, ...withoutAttributes } = ENVELOPE;

    const event = lambdaEvent({ source: 'sns' }, JSON.stringify({ ...withoutAttributes, Subject: 'order paid' })) as {
      Records: { EventSubscriptionArn: string; Sns: Record<string, unknown> }[];
    };

    expect(event.Records[0].Sns.Subject).toBe('order paid');
    expect(event.Records[0].Sns.MessageAttributes).toEqual({});
    expect(event.Records[0].EventSubscriptionArn.startsWith(`${ENVELOPE.TopicArn}:`)).toBe(true);
  });

  it('hands an S3 event over as S3 queued it', () => {
    const s3Event = { Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { object: { key: 'incoming/i-1.csv' } } }] };

    expect(lambdaEvent({ source: 's3' }, JSON.stringify(s3Event))).toEqual(s3Event);
  });

  it("skips S3's test event (sent when notifications are configured)", () => {
    const testEvent = {
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: '2026-01-01T00:00:00.000Z',
      Bucket: 'orderflow-local-imports',
      RequestId: 'R',
      HostId: 'H',
    };

    expect(lambdaEvent({ source: 's3' }, JSON.stringify(testEvent))).toBe('skip');
  });

  describe('on an event queue that several kinds of event share (a function with sns and eventBridge events, say)', () => {
    const EVENTBRIDGE_EVENT = { version: '0', id: 'e-1', 'detail-type': 'OrderConfirmed', source: 'shop', detail: { orderId: 'o-1' } };
    const S3_EVENT = { Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'k' } } }] };

    it('wraps an SNS envelope as the SNS event and hands EventBridge events over as they are, whichever kind planned the queue', () => {
      for (const plan of [
        { source: 'sns' as const, otherSources: ['eventbridge' as const] },
        { source: 'eventbridge' as const, otherSources: ['sns' as const] },
      ]) {
        expect(lambdaEvent(plan, JSON.stringify(ENVELOPE))).toMatchObject({ Records: [{ EventSource: 'aws:sns', Sns: { Message: ENVELOPE.Message } }] });
        expect(lambdaEvent(plan, JSON.stringify(EVENTBRIDGE_EVENT))).toEqual(EVENTBRIDGE_EVENT);
        expect(lambdaEvent(plan, '"text from an input template"')).toBe('text from an input template');
        expect(lambdaEvent(plan, 'raw text from an input template')).toBe('raw text from an input template');
      }
    });

    it("tells S3 notifications (and S3's test event) from scheduled events", () => {
      const plan = { source: 'schedule' as const, otherSources: ['s3' as const] };
      const scheduled = { version: '0', 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };

      expect(lambdaEvent(plan, JSON.stringify(S3_EVENT))).toEqual(S3_EVENT);
      expect(lambdaEvent(plan, JSON.stringify({ Event: 's3:TestEvent' }))).toBe('skip');
      expect(lambdaEvent(plan, JSON.stringify(scheduled))).toEqual(scheduled);
    });

    it('does not take an EventBridge event for an SNS envelope when the function has no sns event', () => {
      expect(lambdaEvent({ source: 'eventbridge', otherSources: ['s3'] }, JSON.stringify(ENVELOPE))).toEqual(ENVELOPE);
    });
  });

  it('hands an unparsable body over unchanged, so that the function fails on it visibly', () => {
    expect(lambdaEvent({ source: 'sns' }, 'not json {')).toEqual({ Records: [], unparsedBody: 'not json {' });
    expect(lambdaEvent({ source: 's3' }, '')).toEqual({ Records: [], unparsedBody: '' });
  });
});

describe("startAsyncConsumer: Lambda's asynchronous invocation, against a fake Lambda API", () => {
  let cloud: TestCloud;
  let lambda: FakeLambda;
  let clients: LocalClients;
  let sendToDestination: SendToDestination;
  let consumer: { stop(): Promise<void> } | undefined;
  let n = 0;

  beforeAll(async () => {
    [cloud, lambda] = await Promise.all([startTestCloud(), startFakeLambda()]);
    clients = localClients({ region: REGION, sqs: cloud.sqsEndpoint, edge: cloud.edge, lambda: lambda.endpoint, accessKeyId: 'test' });
    sendToDestination = createDestinationSender(clients, { asyncQueueOf: () => undefined, log: () => undefined });
  });

  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
  });

  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await Promise.all([cloud?.stop(), lambda?.stop()]);
  });

  /** A function of the test's own: its event queue (fed by an SNS topic of its own), its on-failure queue, its plan. */
  async function eventQueueFunction(rules: Partial<AsyncConsumerPlan> = {}) {
    const key = `fn${++n}`;
    const plan: AsyncConsumerPlan = {
      functionKey: key,
      functionName: `orderflow-test-${key}`,
      source: 'sns',
      queue: `${key}-async-events`,
      maximumRetryAttempts: 2,
      maximumEventAgeSeconds: 3600,
      onFailure: { kind: 'sqs', arn: cloud.queueArn(`${key}-failures`), name: `${key}-failures` },
      ...rules,
    };
    const queueUrl = await cloud.createQueue(plan.queue, { VisibilityTimeout: '15' });
    const failuresUrl = await cloud.createQueue(`${key}-failures`);
    const { TopicArn } = await cloud.sdk.sns.send(new CreateTopicCommand({ Name: `${key}-events` }));
    await cloud.sdk.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: cloud.queueArn(plan.queue) }));
    const publish = (message: string) =>
      cloud.sdk.sns.send(
        new PublishCommand({ TopicArn, Message: message, MessageAttributes: { eventType: { DataType: 'String', StringValue: 'OrderPaid' } } }),
      );
    return { plan, queueUrl, failuresUrl, topicArn: TopicArn!, publish };
  }

  const start = (plan: AsyncConsumerPlan) => {
    consumer = startAsyncConsumer(plan, {
      clients,
      region: REGION,
      accountId: ACCOUNT_ID,
      retryDelaysSeconds: [1, 1],
      concurrency: 1,
      log: () => undefined,
      sendToDestination,
    });
  };

  /** Messages waiting or in flight: 0 once the consumer deleted the event. */
  const inQueue = async (queueUrl: string) => {
    const { Attributes = {} } = await cloud.sdk.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  };

  it('invokes the function with the SNS event and deletes the event when it succeeds', async () => {
    const fn = await eventQueueFunction();
    lambda.script(fn.plan.functionName, succeed({ ok: true }));
    start(fn.plan);

    await fn.publish('{"type":"OrderPaid","orderId":"o-1"}');

    const [call] = await eventually(
      () => (lambda.invocations(fn.plan.functionName).length > 0 ? lambda.invocations(fn.plan.functionName) : undefined),
      'the invocation',
    );
    expect(call.event.Records).toHaveLength(1);
    expect(call.event.Records[0]).toMatchObject({ EventSource: 'aws:sns', Sns: { TopicArn: fn.topicArn, Message: '{"type":"OrderPaid","orderId":"o-1"}' } });
    await eventually(async () => ((await inQueue(fn.queueUrl)) === 0 ? true : undefined), 'the event to be deleted');
    expect(lambda.invocations(fn.plan.functionName)).toHaveLength(1);
    expect(await cloud.drain(fn.failuresUrl)).toEqual([]);
  });

  it('invokes a function with both SNS and EventBridge events in its event queue, each with the event of its kind', async () => {
    const fn = await eventQueueFunction({ otherSources: ['eventbridge'] });
    const bus = `${fn.plan.functionKey}-bus`;
    await cloud.sdk.eventbridge.send(new CreateEventBusCommand({ Name: bus }));
    await cloud.sdk.eventbridge.send(new PutRuleCommand({ Name: 'to-fn', EventBusName: bus, EventPattern: JSON.stringify({ source: ['shop'] }) }));
    await cloud.sdk.eventbridge.send(new PutTargetsCommand({ Rule: 'to-fn', EventBusName: bus, Targets: [{ Id: 'fn', Arn: cloud.queueArn(fn.plan.queue) }] }));
    lambda.script(fn.plan.functionName, succeed(null));
    start(fn.plan);

    await fn.publish('{"orderId":"o-sns"}');
    await cloud.sdk.eventbridge.send(
      new PutEventsCommand({ Entries: [{ EventBusName: bus, Source: 'shop', DetailType: 'OrderConfirmed', Detail: '{"orderId":"o-eb"}' }] }),
    );

    const calls = await eventually(
      () => (lambda.invocations(fn.plan.functionName).length >= 2 ? lambda.invocations(fn.plan.functionName) : undefined),
      'both invocations',
    );
    const sns = calls.find((call) => call.event.Records);
    const eventBridge = calls.find((call) => call.event.source);
    expect(sns?.event.Records[0]).toMatchObject({ EventSource: 'aws:sns', Sns: { TopicArn: fn.topicArn, Message: '{"orderId":"o-sns"}' } });
    expect(eventBridge?.event).toMatchObject({ source: 'shop', 'detail-type': 'OrderConfirmed', detail: { orderId: 'o-eb' } });
    expect(eventBridge?.event).not.toHaveProperty('Records');
  });

  it('invokes the events that wait together side by side, as Lambda runs concurrent invocations, and deletes them all', async () => {
    const fn = await eventQueueFunction();
    for (let i = 1; i <= 5; i++) await fn.publish(`{"orderId":"o-${i}"}`);
    let inFlight = 0;
    let mostInFlight = 0;
    const invoked: string[] = [];
    const invoke: Invoker = async (_functionName, event) => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 50));
      invoked.push(JSON.parse((event as { Records: { Sns: { Message: string } }[] }).Records[0].Sns.Message).orderId);
      inFlight -= 1;
      return { ok: true, payload: null };
    };

    consumer = startAsyncConsumer(fn.plan, {
      clients,
      region: REGION,
      accountId: ACCOUNT_ID,
      retryDelaysSeconds: [1],
      concurrency: 1,
      log: () => undefined,
      invoke,
      sendToDestination,
    });

    await eventually(async () => ((await inQueue(fn.queueUrl)) === 0 ? true : undefined), 'every event to be deleted');
    expect(invoked.sort()).toEqual(['o-1', 'o-2', 'o-3', 'o-4', 'o-5']);
    expect(mostInFlight).toBeGreaterThan(1); // one worker, yet not one event after the other
  });

  it('retries a failing invocation after the configured delays, and sends nothing to the destination once it succeeds', async () => {
    const fn = await eventQueueFunction({ maximumRetryAttempts: 2 });
    lambda.script(fn.plan.functionName, failTimes(2));
    start(fn.plan);

    await fn.publish('{"orderId":"o-2"}');

    const calls = await eventually(
      () => (lambda.invocations(fn.plan.functionName).length >= 3 ? lambda.invocations(fn.plan.functionName) : undefined),
      '3 invocations',
      8000,
    );
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(900);
    expect(calls[2].at - calls[1].at).toBeGreaterThanOrEqual(900);
    expect(calls.map((c) => c.event)).toEqual([calls[0].event, calls[0].event, calls[0].event]);
    await eventually(async () => ((await inQueue(fn.queueUrl)) === 0 ? true : undefined), 'the event to be deleted');
    expect(lambda.invocations(fn.plan.functionName)).toHaveLength(3);
    expect(await cloud.drain(fn.failuresUrl)).toEqual([]);
  }, 15_000);

  it('gives up after maximumRetryAttempts: 3 invocations in all, then one record in the destination in AWS shape', async () => {
    const fn = await eventQueueFunction({ maximumRetryAttempts: 2 });
    lambda.script(fn.plan.functionName, alwaysFail('inventory service down'));
    start(fn.plan);

    await fn.publish('{"orderId":"o-exhausted"}');

    const [failure] = await cloud.receive(fn.failuresUrl, 1, 10_000);
    const record = JSON.parse(failure.Body!);
    expect(record.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 3 });
    expect(record.requestContext.functionArn).toBe(`arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${fn.plan.functionName}:$LATEST`);
    expect(record.requestPayload.Records[0].Sns.Message).toBe('{"orderId":"o-exhausted"}');
    expect(record.responsePayload).toMatchObject({ errorMessage: 'inventory service down' });
    expect(record.responseContext).toMatchObject({ functionError: 'Unhandled' });
    await eventually(async () => ((await inQueue(fn.queueUrl)) === 0 ? true : undefined), 'the event to be deleted');
    expect(lambda.invocations(fn.plan.functionName)).toHaveLength(3);
    expect(await cloud.drain(fn.failuresUrl)).toEqual([]);
  }, 20_000);

  it('drops an event older than maximumEventAge into the destination without invoking', async () => {
    const fn = await eventQueueFunction({ maximumEventAgeSeconds: 60 });
    lambda.script(fn.plan.functionName, succeed());
    const anHourAgo = String(Date.now() - 3600_000);

    await cloud.sdk.sqs.send(
      new SendMessageCommand({
        QueueUrl: fn.queueUrl,
        MessageBody: JSON.stringify(ENVELOPE),
        MessageAttributes: {
          LambdaAsyncEnqueuedAt: { DataType: 'Number', StringValue: anHourAgo },
          LambdaAsyncAttempts: { DataType: 'Number', StringValue: '1' },
        },
      }),
    );
    start(fn.plan);

    const [failure] = await cloud.receive(fn.failuresUrl, 1, 5000);
    expect(JSON.parse(failure.Body!).requestContext).toMatchObject({ condition: 'EventAgeExceeded', approximateInvokeCount: 1 });
    expect(lambda.invocations(fn.plan.functionName)).toHaveLength(0);
  });

  it('with maximumRetryAttempts 0, invokes once and sends the failure to the destination', async () => {
    const fn = await eventQueueFunction({ maximumRetryAttempts: 0 });
    lambda.script(fn.plan.functionName, alwaysFail('payment provider down'));
    start(fn.plan);

    await fn.publish('{"orderId":"o-3"}');

    const [failure] = await cloud.receive(fn.failuresUrl, 1, 5000);
    const record = JSON.parse(failure.Body!);
    expect(record.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 1 });
    expect(record.responsePayload).toMatchObject({ errorType: 'Error', errorMessage: 'payment provider down' });
    expect(lambda.invocations(fn.plan.functionName)).toHaveLength(1);
    await eventually(async () => ((await inQueue(fn.queueUrl)) === 0 ? true : undefined), 'the event to be deleted');
  });

  it('does not lose a malformed message: the function gets it, fails, and it ends in the destination', async () => {
    const fn = await eventQueueFunction({ maximumRetryAttempts: 0 });
    lambda.script(fn.plan.functionName, (event) => (event.Records.length === 0 ? { throws: 'no records' } : { returns: null }));
    start(fn.plan);

    await cloud.sdk.sqs.send(new SendMessageCommand({ QueueUrl: fn.queueUrl, MessageBody: 'not json {' }));

    const [failure] = await cloud.receive(fn.failuresUrl, 1, 5000);
    expect(lambda.invocations(fn.plan.functionName).map((c) => c.event)).toEqual([{ Records: [], unparsedBody: 'not json {' }]);
    expect(JSON.parse(failure.Body!)).toMatchObject({ requestPayload: { unparsedBody: 'not json {' }, responsePayload: { errorMessage: 'no records' } });
  });

  it("skips S3's test event without invoking, and invokes for the next real S3 event", async () => {
    const fn = await eventQueueFunction({ source: 's3' });
    lambda.script(fn.plan.functionName, succeed());
    start(fn.plan);
    const s3Event = {
      Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'incoming/i-1.csv' } } }],
    };

    await cloud.sdk.sqs.send(
      new SendMessageCommand({ QueueUrl: fn.queueUrl, MessageBody: JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'b' }) }),
    );
    await cloud.sdk.sqs.send(new SendMessageCommand({ QueueUrl: fn.queueUrl, MessageBody: JSON.stringify(s3Event) }));

    await eventually(async () => ((await inQueue(fn.queueUrl)) === 0 ? true : undefined), 'both events to be deleted');
    expect(lambda.invocations(fn.plan.functionName).map((c) => c.event)).toEqual([s3Event]);
  });
});
