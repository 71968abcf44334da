import { asyncQueueName, planLocalCloud, type ServiceConfig } from '../../../../offline/cloud/provision/plan';
import { ruleNameOf, targetIdOf } from '../../../../offline/cloud/provision/plan-eventbridge';

const NAMES = { stage: 'local', accountId: '000000000000', sqsEndpoint: 'http://127.0.0.1:19324' };
const sqsArn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
const eventQueue = (key: string) => asyncQueueName('shop', 'local', key);

/** A service of the test's own: functions with `eventBridge` events, and EventBridge resources. */
function service(functions: ServiceConfig['functions'], resources: NonNullable<ServiceConfig['resources']>['Resources'] = {}): ServiceConfig {
  return { service: 'shop', provider: { region: 'us-east-1', stage: 'local' }, functions, resources: { Resources: resources } };
}

describe('planEventBridge, through planLocalCloud', () => {
  it("plans a function's eventBridge event as osls compiles it: rule and target names, its event queue, an async consumer of source eventbridge", () => {
    const plan = planLocalCloud(
      service({
        ship: {
          maximumRetryAttempts: 1,
          events: [
            { http: { path: 'x', method: 'get' } },
            {
              eventBridge: {
                eventBus: 'orders',
                pattern: { source: ['shop.orders'] },
                inputPath: '$.detail',
                retryPolicy: { maximumRetryAttempts: 3, maximumEventAge: 120 },
                deadLetterQueueArn: sqsArn('ship-dlq'),
              },
            },
          ],
        },
      }),
      NAMES,
    );

    expect(plan.eventBuses).toEqual(['orders']);
    expect(plan.eventRules).toEqual([
      {
        name: 'shop-local-ship-rule-2',
        eventBus: 'orders',
        pattern: { source: ['shop.orders'] },
        state: 'ENABLED',
        targets: [
          {
            id: 'shop-local-ship-rule-2-target',
            arn: sqsArn(eventQueue('ship')),
            inputPath: '$.detail',
            retryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 120 },
            deadLetterArn: sqsArn('ship-dlq'),
          },
        ],
      },
    ]);
    expect(plan.queues.map((q) => q.name)).toContain(eventQueue('ship'));
    expect(plan.asyncConsumers).toEqual([
      expect.objectContaining({
        functionKey: 'ship',
        functionName: 'shop-local-ship',
        source: 'eventbridge',
        queue: eventQueue('ship'),
        maximumRetryAttempts: 1,
      }),
    ]);
  });

  it('gives a function with sns and eventBridge events one consumer of its event queue, which knows both kinds', () => {
    const plan = planLocalCloud(
      service({
        notify: {
          events: [
            { sns: { arn: 'arn:aws:sns:us-east-1:000000000000:shop-events', topicName: 'shop-events' } },
            { eventBridge: { eventBus: 'orders', pattern: { source: ['lambda'] } } },
            { schedule: 'rate(1 hour)' },
          ],
        },
      }),
      NAMES,
    );

    expect(plan.asyncConsumers).toEqual([
      expect.objectContaining({ functionKey: 'notify', source: 'sns', otherSources: ['schedule', 'eventbridge'], queue: eventQueue('notify') }),
    ]);
  });

  it.each([
    ['a bus ARN', 'arn:aws:events:us-east-1:000000000000:event-bus/orders'],
    ['Ref to a bus resource', { Ref: 'OrdersBus' }],
    ['Fn::GetAtt <bus>.Name', { 'Fn::GetAtt': ['OrdersBus', 'Name'] }],
  ])('reads eventBus given as %s', (_, eventBus) => {
    const plan = planLocalCloud(
      service(
        { ship: { events: [{ eventBridge: { eventBus, name: 'ship-orders', pattern: { source: ['shop.orders'] } } }] } },
        { OrdersBus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'orders' } } },
      ),
      NAMES,
    );

    expect(plan.eventBuses).toEqual(['orders']);
    expect(plan.eventRules.map((r) => [r.name, r.eventBus])).toEqual([['ship-orders', 'orders']]);
  });

  it('turns input into JSON text and inputTransformer into its CloudFormation shape; enabled: false disables the rule', () => {
    const plan = planLocalCloud(
      service({
        a: { events: [{ eventBridge: { pattern: { source: ['s'] }, input: { fixed: 1 } } }] },
        b: {
          events: [
            { eventBridge: { pattern: { source: ['s'] }, enabled: false, inputTransformer: { inputPathsMap: { id: '$.id' }, inputTemplate: '{"id": <id>}' } } },
          ],
        },
      }),
      NAMES,
    );

    expect(plan.eventRules.map((r) => ({ state: r.state, ...r.targets[0] }))).toEqual([
      expect.objectContaining({ state: 'ENABLED', input: '{"fixed":1}' }),
      expect.objectContaining({ state: 'DISABLED', inputTransformer: { InputPathsMap: { id: '$.id' }, InputTemplate: '{"id": <id>}' } }),
    ]);
    expect(plan.eventBuses).toEqual([]);
  });

  it("plans a schedule through the local scheduler, into the function's event queue, with its input", () => {
    const plan = planLocalCloud(service({ tick: { events: [{ eventBridge: { schedule: 'rate(5 minutes)', input: { kind: 'tick' } } }] } }), NAMES);

    expect(plan.eventRules).toEqual([]);
    expect(plan.schedules).toEqual([
      expect.objectContaining({
        functionKey: 'tick',
        ruleName: 'shop-local-tick-rule-1',
        expression: 'rate(5 minutes)',
        queue: eventQueue('tick'),
        transform: expect.objectContaining({ Input: '{"kind":"tick"}' }),
      }),
    ]);
    expect(plan.asyncConsumers).toEqual([expect.objectContaining({ functionKey: 'tick', source: 'eventbridge' })]);
  });

  it.each([
    [
      'more than one input form',
      { pattern: { source: ['s'] }, input: {}, inputPath: '$.detail' },
      'function f, events[0].eventBridge: only one of input, inputPath or inputTransformer',
    ],
    ['neither pattern nor schedule', { input: {} }, 'function f, events[0].eventBridge: needs pattern or schedule'],
    ['an eventBus it cannot resolve', { pattern: { source: ['s'] }, eventBus: { 'Fn::ImportValue': 'bus' } }, 'function f, events[0].eventBridge.eventBus'],
    [
      'a dead-letter queue that is not SQS',
      { pattern: { source: ['s'] }, deadLetterQueueArn: 'arn:aws:sns:us-east-1:000000000000:t' },
      'the dead-letter queue must be an SQS queue ARN',
    ],
  ])('refuses an eventBridge event with %s, naming the function and event', (_, eventBridge, message) => {
    expect(() => planLocalCloud(service({ f: { events: [{ eventBridge }] } }), NAMES)).toThrow(message);
  });

  it('hashes rule names and target ids past 64 characters, as osls does', () => {
    const long = 'a-service-with-a-rather-long-name-production-someFunctionName';

    expect(ruleNameOf(long, 3)).toHaveLength(64);
    expect(ruleNameOf(long, 3).endsWith('-rule-3')).toBe(true);
    expect(targetIdOf('short-rule-1')).toBe('short-rule-1-target');
  });

  it('plans AWS::Events resources: buses, rules on them, Lambda targets by GetAtt or ARN made event queues, SQS and SNS targets kept', () => {
    const plan = planLocalCloud(
      service(
        { notify: { events: [] }, 'audit-log': { name: 'custom-audit', events: [] } },
        {
          Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'shop-bus' } },
          Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'audit' } },
          Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'alerts' } },
          Dlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'rule-dlq' } },
          OrdersRule: {
            Type: 'AWS::Events::Rule',
            Properties: {
              Name: 'orders-rule',
              EventBusName: { Ref: 'Bus' },
              EventPattern: { 'detail-type': ['OrderPlaced'] },
              Targets: [
                {
                  Id: 'fn',
                  Arn: { 'Fn::GetAtt': ['NotifyLambdaFunction', 'Arn'] },
                  RetryPolicy: { MaximumRetryAttempts: 4 },
                  DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } },
                },
                { Id: 'by-arn', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:custom-audit' },
                { Id: 'queue', Arn: { 'Fn::GetAtt': ['Queue', 'Arn'] }, Input: '{"a":1}' },
                { Id: 'topic', Arn: { Ref: 'Topic' }, InputTransformer: { InputPathsMap: { t: '$.detail-type' }, InputTemplate: '"<t>"' } },
                { Id: 'flow', Arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:x' },
              ],
            },
          },
          Nightly: {
            Type: 'AWS::Events::Rule',
            Properties: { ScheduleExpression: 'cron(0 3 * * ? *)', Targets: [{ Id: 'q', Arn: { 'Fn::GetAtt': ['Queue', 'Arn'] } }] },
          },
        },
      ),
      NAMES,
    );

    expect(plan.eventBuses).toEqual(['shop-bus']);
    expect(plan.eventRules).toEqual([
      {
        name: 'orders-rule',
        eventBus: 'shop-bus',
        pattern: { 'detail-type': ['OrderPlaced'] },
        state: 'ENABLED',
        targets: [
          { id: 'fn', arn: sqsArn(eventQueue('notify')), retryPolicy: { MaximumRetryAttempts: 4 }, deadLetterArn: sqsArn('rule-dlq') },
          { id: 'by-arn', arn: sqsArn(eventQueue('audit-log')) },
          { id: 'queue', arn: sqsArn('audit'), input: '{"a":1}' },
          {
            id: 'topic',
            arn: 'arn:aws:sns:us-east-1:000000000000:alerts',
            inputTransformer: { InputPathsMap: { t: '$.detail-type' }, InputTemplate: '"<t>"' },
          },
        ],
      },
    ]);
    expect(plan.warnings).toEqual([expect.stringContaining('resource OrdersRule, Targets[4].Arn: states targets do not run in the local cloud')]);
    expect(plan.asyncConsumers.map((c) => [c.functionKey, c.source])).toEqual([
      ['notify', 'eventbridge'],
      ['audit-log', 'eventbridge'],
    ]);
    expect(plan.schedules).toEqual([expect.objectContaining({ functionKey: 'Nightly', ruleName: 'Nightly', expression: 'cron(0 3 * * ? *)', queue: 'audit' })]);
  });

  it('refuses a Lambda target that is not a function of the service, naming the resource and property', () => {
    const resources = {
      R: {
        Type: 'AWS::Events::Rule',
        Properties: { EventPattern: { source: ['s'] }, Targets: [{ Id: 't', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:elsewhere' }] },
      },
    };

    expect(() => planLocalCloud(service({}, resources), NAMES)).toThrow(
      'resource R, Targets[0].Arn: Lambda function elsewhere is not a function of this service',
    );
  });
});
