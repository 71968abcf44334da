import '../../support/quiet-sdk';
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  type PutEventsRequestEntry,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { ACCOUNT_ID, REGION, startTestCloud, type TestCloud } from '../../support/test-cloud';

const ORDER_PLACED = {
  Source: 'orderflow.orders',
  DetailType: 'OrderPlaced',
  Detail: JSON.stringify({ orderId: 'o-1', total: 42, items: [{ sku: 'A' }, { sku: 'B' }] }),
};

describe('the embedded EventBridge, through the AWS SDK on the edge port', () => {
  let cloud: TestCloud;
  const logs: string[] = [];
  let n = 0;

  beforeAll(async () => {
    cloud = await startTestCloud((m) => logs.push(m));
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  const eb = () => cloud.sdk.eventbridge;
  const put = (...entries: PutEventsRequestEntry[]) => eb().send(new PutEventsCommand({ Entries: entries }));

  /** A rule of the test's own, on `bus`, whose targets are given; its name. */
  async function rule(pattern: unknown, targets: Omit<Target, 'Id'>[], bus?: string): Promise<string> {
    const name = `rule-${++n}`;
    await eb().send(new PutRuleCommand({ Name: name, EventBusName: bus, EventPattern: JSON.stringify(pattern) }));
    const result = await eb().send(new PutTargetsCommand({ Rule: name, EventBusName: bus, Targets: targets.map((t, i) => ({ Id: `t${i}`, ...t }) as Target) }));
    expect(result.FailedEntryCount).toBe(0);
    return name;
  }
  async function queue(): Promise<{ url: string; arn: string }> {
    const name = `eb-q-${++n}`;
    return { url: await cloud.createQueue(name), arn: cloud.queueArn(name) };
  }

  describe('PutEvents validation, entry by entry', () => {
    const cases: [string, PutEventsRequestEntry, { ErrorCode: string; ErrorMessage: string }][] = [
      [
        'no Source',
        { DetailType: 'T', Detail: '{}' },
        { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' },
      ],
      [
        'no DetailType',
        { Source: 's', Detail: '{}' },
        { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' },
      ],
      [
        'no Detail',
        { Source: 's', DetailType: 'T' },
        { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.' },
      ],
      ['Detail not JSON', { Source: 's', DetailType: 'T', Detail: 'detail' }, { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }],
      ['Detail a JSON array', { Source: 's', DetailType: 'T', Detail: '[1]' }, { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }],
      ['Detail a JSON string', { Source: 's', DetailType: 'T', Detail: '"x"' }, { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }],
      ['an unknown bus', { ...ORDER_PLACED, EventBusName: 'nope' }, { ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus nope does not exist.' }],
    ];

    it.each(cases)('fails the entry with %s, and accepts the valid entries around it', async (_, entry, error) => {
      const result = await put(ORDER_PLACED, entry, ORDER_PLACED);

      expect(result.FailedEntryCount).toBe(1);
      expect(result.Entries![1]).toEqual(error);
      expect(result.Entries![0].EventId).toMatch(/^[0-9a-f-]{36}$/);
      expect(result.Entries![2].EventId).toMatch(/^[0-9a-f-]{36}$/);
      expect(result.Entries![0].EventId).not.toBe(result.Entries![2].EventId);
    });

    it('accepts the bus by name or ARN', async () => {
      await eb().send(new CreateEventBusCommand({ Name: 'by-arn' }));

      const result = await put(
        { ...ORDER_PLACED, EventBusName: 'by-arn' },
        { ...ORDER_PLACED, EventBusName: `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/by-arn` },
      );

      expect(result.FailedEntryCount).toBe(0);
    });

    it.each([
      ['no entries', 0, /greater than or equal to 1/],
      ['eleven entries', 11, /less than or equal to 10/],
    ])('refuses a request of %s', async (_, count, message) => {
      await expect(put(...Array.from({ length: count }, () => ORDER_PLACED))).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringMatching(message),
      });
    });

    it('refuses a request over 256 KB, and accepts one just under', async () => {
      const detail = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes - '{"pad":""}'.length) });
      const base = Buffer.byteLength('s') + Buffer.byteLength('T');

      await expect(put({ Source: 's', DetailType: 'T', Detail: detail(256 * 1024 - base + 1) })).rejects.toMatchObject({
        name: 'ValidationException',
        message: 'Total size of the entries in the request is over the limit.',
      });
      await expect(put({ Source: 's', DetailType: 'T', Detail: detail(256 * 1024 - base) })).resolves.toMatchObject({ FailedEntryCount: 0 });
    });
  });

  describe('rules and targets', () => {
    it('delivers a matching event to an SQS target as AWS shapes it, and nothing that does not match', async () => {
      const q = await queue();
      await rule({ source: ['orderflow.orders'], 'detail-type': ['OrderPlaced'], detail: { total: [{ numeric: ['>', 10] }] } }, [{ Arn: q.arn }]);
      const time = new Date('2026-03-01T10:00:00.000Z');

      const result = await put(
        { ...ORDER_PLACED, Detail: JSON.stringify({ orderId: 'o-small', total: 5 }) },
        { ...ORDER_PLACED, Source: 'other' },
        { ...ORDER_PLACED, Time: time, Resources: ['arn:aws:s3:::r'] },
      );
      const [message] = await cloud.receive(q.url, 1);

      expect(JSON.parse(message.Body!)).toEqual({
        version: '0',
        id: result.Entries![2].EventId,
        'detail-type': 'OrderPlaced',
        source: 'orderflow.orders',
        account: ACCOUNT_ID,
        time: '2026-03-01T10:00:00Z',
        region: REGION,
        resources: ['arn:aws:s3:::r'],
        detail: JSON.parse(ORDER_PLACED.Detail),
      });
      expect(await cloud.drain(q.url)).toEqual([]);
    });

    it('routes by bus: a rule on a custom bus sees only that bus', async () => {
      const q = await queue();
      await eb().send(new CreateEventBusCommand({ Name: 'orders-bus' }));
      await rule({ source: ['orderflow.orders'] }, [{ Arn: q.arn }], 'orders-bus');

      await put(ORDER_PLACED, { ...ORDER_PLACED, EventBusName: 'orders-bus', DetailType: 'OnTheBus' });
      const [message] = await cloud.receive(q.url, 1);

      expect(JSON.parse(message.Body!)['detail-type']).toBe('OnTheBus');
      expect(await cloud.drain(q.url)).toEqual([]);
    });

    it('delivers nothing for a disabled rule, and again once it is enabled', async () => {
      const q = await queue();
      const name = await rule({ source: ['orderflow.orders'] }, [{ Arn: q.arn }]);

      await eb().send(new DisableRuleCommand({ Name: name }));
      await put({ ...ORDER_PLACED, DetailType: 'WhileDisabled' });
      await eb().send(new EnableRuleCommand({ Name: name }));
      await put({ ...ORDER_PLACED, DetailType: 'WhileEnabled' });
      const [message] = await cloud.receive(q.url, 1);

      expect(JSON.parse(message.Body!)['detail-type']).toBe('WhileEnabled');
      expect(await cloud.drain(q.url)).toEqual([]);
    });

    it('publishes to an SNS target, which its subscribers receive in the SNS envelope', async () => {
      const q = await queue();
      const { TopicArn } = await cloud.sdk.sns.send(new CreateTopicCommand({ Name: `eb-topic-${++n}` }));
      await cloud.sdk.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn }));
      await rule({ 'detail-type': ['OrderPlaced'] }, [{ Arn: TopicArn, InputPath: '$.detail' }]);

      await put(ORDER_PLACED);
      const [message] = await cloud.receive(q.url, 1);

      const envelope = JSON.parse(message.Body!);
      expect(envelope).toMatchObject({ Type: 'Notification', TopicArn });
      expect(JSON.parse(envelope.Message)).toEqual(JSON.parse(ORDER_PLACED.Detail));
    });

    const inputs: [string, Partial<Target>, (ruleName: string, eventId: string) => string][] = [
      ['Input: the constant JSON text', { Input: '{"fixed":true}' }, () => '{"fixed":true}'],
      ['InputPath: the value at the path', { InputPath: '$.detail.items[1]' }, () => '{"sku":"B"}'],
      ['InputPath with a wildcard: the list of matches', { InputPath: '$.detail.items[*].sku' }, () => '["A","B"]'],
      [
        'a JSON InputTemplate: values as JSON outside quotes, as text inside them, null when missing',
        {
          InputTransformer: {
            InputPathsMap: { order: '$.detail.orderId', total: '$.detail.total', missing: '$.detail.nope' },
            InputTemplate: '{"id": <order>, "total": <total>, "says": "order <order> of <total>", "none": <missing>}',
          },
        },
        () => '{"id": "o-1", "total": 42, "says": "order o-1 of 42", "none": null}',
      ],
      [
        'a text InputTemplate: values as text',
        { InputTransformer: { InputPathsMap: { order: '$.detail.orderId' }, InputTemplate: '"Order <order> was placed"' } },
        () => '"Order o-1 was placed"',
      ],
      [
        'the predefined variables',
        { InputTransformer: { InputTemplate: '{"rule": <aws.events.rule-name>, "arn": "<aws.events.rule-arn>", "event": <aws.events.event>}' } },
        (ruleName) => JSON.stringify({ rule: ruleName, arn: `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${ruleName}` }),
      ],
    ];

    it.each(inputs)('delivers, per target, %s', async (_, input, expected) => {
      const q = await queue();
      const name = await rule({ source: ['orderflow.orders'] }, [{ Arn: q.arn, ...input }]);

      const { Entries } = await put(ORDER_PLACED);
      const [message] = await cloud.receive(q.url, 1);

      if ('InputTransformer' in input && input.InputTransformer!.InputTemplate!.includes('aws.events.event')) {
        const body = JSON.parse(message.Body!);
        expect({ rule: body.rule, arn: body.arn }).toEqual(JSON.parse(expected(name, Entries![0].EventId!)));
        expect(body.event).toMatchObject({ id: Entries![0].EventId, source: 'orderflow.orders', 'detail-type': 'OrderPlaced' });
        expect(body.event.detail).toBeUndefined();
      } else {
        expect(message.Body).toBe(expected(name, Entries![0].EventId!));
      }
    });

    it("sends an event it cannot deliver to the target's dead-letter queue, with EventBridge's attributes", async () => {
      const dlq = await queue();
      const missing = cloud.queueArn('eb-never-created');
      const name = await rule({ source: ['orderflow.orders'] }, [
        { Arn: missing, DeadLetterConfig: { Arn: dlq.arn }, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 } },
      ]);

      const { Entries } = await put(ORDER_PLACED);
      const [message] = await cloud.receive(dlq.url, 1);

      expect(JSON.parse(message.Body!)).toMatchObject({ id: Entries![0].EventId, source: 'orderflow.orders' });
      const attribute = (key: string) => message.MessageAttributes?.[key]?.StringValue;
      expect(attribute('RULE_ARN')).toBe(`arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${name}`);
      expect(attribute('TARGET_ARN')).toBe(missing);
      expect(attribute('ERROR_CODE')).toBe('RESOURCE_NOT_FOUND');
      expect(attribute('ERROR_MESSAGE')).toContain('eb-never-created');
    });

    it('logs an undeliverable event of a target without a dead-letter queue', async () => {
      await rule({ 'detail-type': ['Lost'] }, [{ Arn: cloud.queueArn('eb-lost') }]);

      await put({ ...ORDER_PLACED, DetailType: 'Lost' });
      await new Promise((resolve) => setTimeout(resolve, 100));

      expect(logs.some((line) => line.includes('not delivered to') && line.includes('eb-lost') && line.includes('no dead-letter queue'))).toBe(true);
    });
  });

  describe('the API around rules and buses', () => {
    it('refuses an invalid pattern naming the problem, and invalid JSON', async () => {
      await expect(eb().send(new PutRuleCommand({ Name: 'bad-pattern', EventPattern: JSON.stringify({ detail: { total: 5 } }) }))).rejects.toMatchObject({
        name: 'InvalidEventPatternException',
        message: expect.stringContaining('total'),
      });
      await expect(eb().send(new PutRuleCommand({ Name: 'bad-json', EventPattern: '{' }))).rejects.toMatchObject({ name: 'InvalidEventPatternException' });
      await expect(eb().send(new PutRuleCommand({ Name: 'neither' }))).rejects.toMatchObject({ name: 'ValidationException' });
    });

    it('refuses targets it cannot deliver to, naming them', async () => {
      await eb().send(new PutRuleCommand({ Name: 'lambda-target', EventPattern: '{"source":["x"]}' }));

      const result = await eb().send(
        new PutTargetsCommand({
          Rule: 'lambda-target',
          Targets: [
            { Id: 'fn', Arn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:f` },
            { Id: 'two-inputs', Arn: cloud.queueArn('q'), Input: '{}', InputPath: '$.detail' },
            { Id: 'ok', Arn: cloud.queueArn('q') },
          ],
        }),
      );

      expect(result.FailedEntryCount).toBe(2);
      expect(result.FailedEntries!.map((f) => f.TargetId)).toEqual(['fn', 'two-inputs']);
      expect(result.FailedEntries![0].ErrorMessage).toContain('async event queue');
    });

    it('creates, describes, lists and deletes buses; default always exists and cannot be deleted', async () => {
      const { EventBusArn } = await eb().send(new CreateEventBusCommand({ Name: 'listed-bus' }));

      expect(EventBusArn).toBe(`arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/listed-bus`);
      await expect(eb().send(new CreateEventBusCommand({ Name: 'listed-bus' }))).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
      expect(await eb().send(new DescribeEventBusCommand({}))).toMatchObject({
        Name: 'default',
        Arn: `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/default`,
      });
      expect((await eb().send(new ListEventBusesCommand({ NamePrefix: 'listed' }))).EventBuses).toEqual([{ Name: 'listed-bus', Arn: EventBusArn }]);
      await expect(eb().send(new DeleteEventBusCommand({ Name: 'default' }))).rejects.toMatchObject({ name: 'ValidationException' });
      await eb().send(new DeleteEventBusCommand({ Name: 'listed-bus' }));
      await expect(eb().send(new DescribeEventBusCommand({ Name: 'listed-bus' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });

    it('describes, lists and deletes rules; a rule with targets is deleted only once they are removed', async () => {
      await eb().send(new CreateEventBusCommand({ Name: 'rules-bus' }));
      const q = await queue();
      const name = await rule({ source: ['x'] }, [{ Arn: q.arn }], 'rules-bus');

      expect(await eb().send(new DescribeRuleCommand({ Name: name, EventBusName: 'rules-bus' }))).toMatchObject({
        Name: name,
        Arn: `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/rules-bus/${name}`,
        EventPattern: '{"source":["x"]}',
        State: 'ENABLED',
        EventBusName: 'rules-bus',
      });
      expect((await eb().send(new ListRulesCommand({ EventBusName: 'rules-bus' }))).Rules!.map((r) => r.Name)).toEqual([name]);
      expect((await eb().send(new ListTargetsByRuleCommand({ Rule: name, EventBusName: 'rules-bus' }))).Targets).toEqual([{ Id: 't0', Arn: q.arn }]);
      await expect(eb().send(new DeleteRuleCommand({ Name: name, EventBusName: 'rules-bus' }))).rejects.toMatchObject({ name: 'ValidationException' });
      await eb().send(new RemoveTargetsCommand({ Rule: name, EventBusName: 'rules-bus', Ids: ['t0'] }));
      await eb().send(new DeleteRuleCommand({ Name: name, EventBusName: 'rules-bus' }));
      await expect(eb().send(new DescribeRuleCommand({ Name: name, EventBusName: 'rules-bus' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });
  });
});
