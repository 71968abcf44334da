import { asyncQueueName, planLocalCloud, type LocalCloudPlan, type ServiceConfig } from '../../../../offline/cloud/provision/plan';
import { resolvedService } from '../../support/resolved-service';

/** The plan's warnings, but for the lines about resources it creates because events name them by ARN alone (plan-undeclared's own tests cover those). */
const warningsBesidesUndeclared = (plan: { warnings: string[] }) => plan.warnings.filter((line) => !line.includes('is not declared in resources'));

const NAMES = { stage: 'local', accountId: '000000000000', sqsEndpoint: 'http://127.0.0.1:19324' };
const eventQueue = (functionKey: string) => asyncQueueName('orderflow', 'local', functionKey);
const sqsArn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

describe('planLocalCloud, on serverless.yml as Serverless resolves it for the local stage', () => {
  let config: ServiceConfig;
  let plan: LocalCloudPlan;

  beforeAll(async () => {
    config = await resolvedService();
    plan = planLocalCloud(config, NAMES);
  }, 60_000);

  const functionTimeout = (key: string) => config.functions[key].timeout ?? config.provider.timeout ?? 6;

  it('runs in the region of the stage, under the local account', () => {
    expect(plan.region).toBe('us-east-1');
    expect(plan.accountId).toBe('000000000000');
  });

  it('plans every declared queue and one event queue per asynchronously invoked function', () => {
    expect(plan.queues.map((q) => q.name).sort()).toEqual(
      [
        'orderflow-local-payments',
        'orderflow-local-payments-dlq',
        'orderflow-local-reserve-inventory-failures',
        'orderflow-local-notify-customer-failures',
        'orderflow-local-import-orders-failures',
        'orderflow-local-aggregate-activity-failures',
        'orderflow-local-expire-stale-orders-failures',
        'orderflow-local-daily-report-failures',
        'orderflow-local-fulfil-order-failures',
        'orderflow-local-high-value-review',
        'orderflow-local-push-order-status-failures',
        'orderflow-local-publish-order-events-failures',
        eventQueue('reserveInventory'),
        eventQueue('notifyCustomer'),
        eventQueue('importOrders'),
        eventQueue('expireStaleOrders'),
        eventQueue('dailyReport'),
        eventQueue('fulfilOrder'),
      ].sort(),
    );
  });

  it('creates the dead-letter queue before the payments queue that redrives to it', () => {
    const names = plan.queues.map((q) => q.name);

    expect(names.indexOf('orderflow-local-payments-dlq')).toBeLessThan(names.indexOf('orderflow-local-payments'));
  });

  it("keeps the payments queue's attributes, its redrive policy resolved to the DLQ's ARN", () => {
    const payments = plan.queues.find((q) => q.name === 'orderflow-local-payments')!;

    expect(payments.attributes.VisibilityTimeout).toBe('2');
    expect(JSON.parse(payments.attributes.RedrivePolicy)).toEqual({ deadLetterTargetArn: sqsArn('orderflow-local-payments-dlq'), maxReceiveCount: 5 });
    expect(plan.queues.find((q) => q.name === 'orderflow-local-payments-dlq')!.attributes).toEqual({ MessageRetentionPeriod: '1209600' });
  });

  it("gives each event queue a visibility timeout longer than its function's timeout", () => {
    for (const key of ['reserveInventory', 'notifyCustomer', 'importOrders', 'expireStaleOrders', 'dailyReport', 'fulfilOrder']) {
      const queue = plan.queues.find((q) => q.name === eventQueue(key))!;

      expect(Number(queue.attributes.VisibilityTimeout)).toBeGreaterThan(functionTimeout(key));
    }
  });

  it('plans the order-events topic once, though three declarations name it', () => {
    expect(plan.topics).toEqual(['orderflow-local-order-events']);
  });

  it('subscribes the payments queue to the topic with raw delivery and its OrderPlaced filter', () => {
    const payments = plan.subscriptions.filter((s) => s.queue === 'orderflow-local-payments');

    expect(payments).toEqual([
      { topic: 'orderflow-local-order-events', queue: 'orderflow-local-payments', raw: true, filterPolicy: { eventType: ['OrderPlaced'] } },
    ]);
  });

  it("subscribes each SNS function's event queue, enveloped, with the function's filter policy", () => {
    const others = plan.subscriptions.filter((s) => s.queue !== 'orderflow-local-payments');

    expect(others).toHaveLength(2);
    expect(others).toEqual(
      expect.arrayContaining([
        { topic: 'orderflow-local-order-events', queue: eventQueue('reserveInventory'), raw: false, filterPolicy: { eventType: ['OrderPaid'] } },
        {
          topic: 'orderflow-local-order-events',
          queue: eventQueue('notifyCustomer'),
          raw: false,
          filterPolicy: { eventType: ['OrderConfirmed', 'OrderPaymentFailed', 'OrderCancelled', 'OrderExpired'] },
        },
      ]),
    );
  });

  it('plans both buckets once each: the provider.s3 imports bucket and the reports bucket resource', () => {
    expect([...plan.buckets].sort()).toEqual(['orderflow-local-imports', 'orderflow-local-reports']);
  });

  it("notifies importOrders' event queue of CSV files created under incoming/", () => {
    expect(plan.notifications).toEqual([
      { bucket: 'orderflow-local-imports', queue: eventQueue('importOrders'), events: ['s3:ObjectCreated:*'], prefix: 'incoming/', suffix: '.csv' },
    ]);
  });

  it('plans the activity stream and the table with its keys and index', () => {
    expect(plan.streams).toEqual([{ name: 'orderflow-local-order-activity', shardCount: 1 }]);
    expect(plan.tables).toHaveLength(1);
    expect(plan.tables[0].name).toBe('orderflow-local');
    expect(plan.tables[0].properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [expect.objectContaining({ IndexName: 'gsi1' })],
    });
  });

  it('runs one DynamoDB stream consumer per stream event on the orders table', () => {
    expect(plan.streamConsumers.filter((consumer) => consumer.source === 'dynamodb').map((consumer) => [consumer.functionKey, consumer.stream])).toEqual([
      ['publishOrderEvents', 'orderflow-local'],
      ['pushOrderStatus', 'orderflow-local'],
    ]);
  });

  it("runs the Kinesis consumer with the stream event's bisect, retries, record age and on-failure queue", () => {
    expect(plan.streamConsumers.filter((consumer) => consumer.source === 'kinesis')).toEqual([
      {
        functionKey: 'aggregateActivity',
        functionName: 'orderflow-local-aggregateActivity',
        source: 'kinesis',
        stream: 'orderflow-local-order-activity',
        arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/orderflow-local-order-activity',
        enabled: true,
        batchSize: 100,
        batchWindowSeconds: 0,
        startingPosition: 'TRIM_HORIZON',
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 3,
        maximumRecordAgeInSeconds: 3600,
        reportBatchItemFailures: true,
        parallelizationFactor: 1,
        onFailure: {
          kind: 'sqs',
          arn: 'arn:aws:sqs:us-east-1:000000000000:orderflow-local-aggregate-activity-failures',
          name: 'orderflow-local-aggregate-activity-failures',
        },
      },
    ]);
  });

  it("runs each SNS, S3, schedule and EventBridge function as an async consumer with the function's retries, event age and on-failure destination", () => {
    const rules = { maximumRetryAttempts: 2, maximumEventAgeSeconds: 3600 };

    expect([...plan.asyncConsumers].sort((a, b) => a.functionKey.localeCompare(b.functionKey))).toEqual([
      {
        functionKey: 'dailyReport',
        functionName: 'orderflow-local-dailyReport',
        source: 'schedule',
        queue: eventQueue('dailyReport'),
        ...rules,
        onFailure: { kind: 'sqs', arn: sqsArn('orderflow-local-daily-report-failures'), name: 'orderflow-local-daily-report-failures' },
      },
      {
        functionKey: 'expireStaleOrders',
        functionName: 'orderflow-local-expireStaleOrders',
        source: 'schedule',
        queue: eventQueue('expireStaleOrders'),
        ...rules,
        onFailure: { kind: 'sqs', arn: sqsArn('orderflow-local-expire-stale-orders-failures'), name: 'orderflow-local-expire-stale-orders-failures' },
      },
      {
        functionKey: 'fulfilOrder',
        functionName: 'orderflow-local-fulfilOrder',
        source: 'eventbridge',
        queue: eventQueue('fulfilOrder'),
        ...rules,
        onSuccess: { kind: 'eventbridge', arn: 'arn:aws:events:us-east-1:000000000000:event-bus/orderflow-local', name: 'orderflow-local' },
        onFailure: { kind: 'sqs', arn: sqsArn('orderflow-local-fulfil-order-failures'), name: 'orderflow-local-fulfil-order-failures' },
      },
      {
        functionKey: 'importOrders',
        functionName: 'orderflow-local-importOrders',
        source: 's3',
        queue: eventQueue('importOrders'),
        ...rules,
        onFailure: { kind: 'sqs', arn: sqsArn('orderflow-local-import-orders-failures'), name: 'orderflow-local-import-orders-failures' },
      },
      {
        functionKey: 'notifyCustomer',
        functionName: 'orderflow-local-notifyCustomer',
        source: 'sns',
        // fulfilOrder's success records arrive from the bus in the same event queue.
        otherSources: ['eventbridge'],
        queue: eventQueue('notifyCustomer'),
        ...rules,
        onFailure: { kind: 'sqs', arn: sqsArn('orderflow-local-notify-customer-failures'), name: 'orderflow-local-notify-customer-failures' },
      },
      {
        functionKey: 'reserveInventory',
        functionName: 'orderflow-local-reserveInventory',
        source: 'sns',
        queue: eventQueue('reserveInventory'),
        ...rules,
        onFailure: { kind: 'sqs', arn: sqsArn('orderflow-local-reserve-inventory-failures'), name: 'orderflow-local-reserve-inventory-failures' },
      },
    ]);
  });

  it('has nothing to warn about: every destination of serverless.yml runs locally', () => {
    expect(warningsBesidesUndeclared(plan)).toEqual([]);
  });

  it("fires each schedule of the local stage into its function's event queue", () => {
    expect([...plan.schedules].sort((a, b) => a.functionKey.localeCompare(b.functionKey))).toEqual([
      expect.objectContaining({ functionKey: 'dailyReport', expression: 'cron(* * * * ? *)', queue: eventQueue('dailyReport') }),
      expect.objectContaining({ functionKey: 'expireStaleOrders', expression: 'rate(1 minute)', queue: eventQueue('expireStaleOrders') }),
    ]);
  });

  it('resolves every provider.environment value to a string, the topic Ref to its ARN', () => {
    expect(Object.keys(plan.environment).sort()).toEqual(Object.keys(config.provider.environment ?? {}).sort());
    for (const value of Object.values(plan.environment)) {
      expect(typeof value).toBe('string');
      expect(value).not.toContain('[object');
    }
    expect(plan.environment).toMatchObject({
      ORDER_EVENTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:orderflow-local-order-events',
      TABLE_NAME: 'orderflow-local',
      ACTIVITY_STREAM_NAME: 'orderflow-local-order-activity',
      IMPORTS_BUCKET: 'orderflow-local-imports',
      REPORTS_BUCKET: 'orderflow-local-reports',
      INTEGRATION_BUS_NAME: 'orderflow-local',
      PENDING_ORDER_TTL_SECONDS: '60',
    });
  });
});

describe('planLocalCloud, on a minimal service', () => {
  const service = (functions: ServiceConfig['functions'], resources: NonNullable<ServiceConfig['resources']>['Resources'] = {}): ServiceConfig => ({
    service: 'shop',
    provider: { region: 'eu-central-1', environment: { PORT: 8080 } },
    functions,
    resources: { Resources: resources },
  });

  it("applies Lambda's defaults: 2 retries, 6 hours of event age, the framework's function name and timeout", () => {
    const plan = planLocalCloud(service({ onEvent: { events: [{ sns: 'arn:aws:sns:eu-central-1:000000000000:events' }] } }), NAMES);

    expect(plan.asyncConsumers).toEqual([
      {
        functionKey: 'onEvent',
        functionName: 'shop-local-onEvent',
        source: 'sns',
        queue: 'shop-local-onEvent-async-events',
        maximumRetryAttempts: 2,
        maximumEventAgeSeconds: 21600,
      },
    ]);
    expect(plan.topics).toEqual(['events']);
    expect(plan.subscriptions).toEqual([{ topic: 'events', queue: 'shop-local-onEvent-async-events', raw: false, filterPolicy: undefined }]);
    expect(plan.queues).toEqual([{ name: 'shop-local-onEvent-async-events', attributes: { VisibilityTimeout: String(6 + 5) } }]);
    expect(plan.environment).toEqual({ PORT: '8080' });
  });

  it("applies the event source mapping's defaults to bare Kinesis and DynamoDB stream events", () => {
    const resources = { Stream: { Type: 'AWS::Kinesis::Stream', Properties: { Name: 'clicks' } } };

    const plan = planLocalCloud(
      service(
        {
          onClick: {
            events: [
              { stream: { type: 'kinesis', arn: { 'Fn::GetAtt': ['Stream', 'Arn'] } } },
              { stream: { type: 'dynamodb', arn: 'arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2026-01-01T00:00:00.000' } },
            ],
          },
        },
        resources,
      ),
      NAMES,
    );

    expect(plan.streams).toEqual([{ name: 'clicks', shardCount: 1 }]);
    expect(plan.streamConsumers).toEqual([
      expect.objectContaining({
        stream: 'clicks',
        batchSize: 100,
        startingPosition: 'TRIM_HORIZON',
        bisectBatchOnFunctionError: false,
        maximumRetryAttempts: -1,
        maximumRecordAgeInSeconds: -1,
        reportBatchItemFailures: false,
        parallelizationFactor: 1,
        batchWindowSeconds: 0,
        enabled: true,
      }),
      expect.objectContaining({
        source: 'dynamodb',
        stream: 'orders',
        batchSize: 100,
        startingPosition: 'TRIM_HORIZON',
        maximumRetryAttempts: -1,
        parallelizationFactor: 1,
      }),
    ]);
    expect(warningsBesidesUndeclared(plan)).toEqual([]);
  });

  it('refuses a destination that is not one, naming the function and the property', () => {
    const config = service({ onEvent: { destinations: { onFailure: 'arn:aws:dynamodb:eu-central-1:000000000000:table/t' }, events: [{ sns: 'topic' }] } });

    expect(() => planLocalCloud(config, NAMES)).toThrow(
      'function onEvent, destinations.onFailure: arn:aws:dynamodb:eu-central-1:000000000000:table/t is not something Lambda sends records to',
    );
  });

  it('creates a chain of dead-letter queues from its end: each DLQ before the queue that redrives into it', () => {
    const dlq = (target: string) => ({ deadLetterTargetArn: { 'Fn::GetAtt': [target, 'Arn'] }, maxReceiveCount: 3 });
    const resources = {
      Orders: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'orders', RedrivePolicy: dlq('OrdersDlq') } },
      OrdersDlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'orders-dlq', RedrivePolicy: dlq('LastResort') } },
      LastResort: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'last-resort' } },
    };

    const plan = planLocalCloud(service({}, resources), NAMES);

    expect(plan.queues.map((q) => q.name)).toEqual(['last-resort', 'orders-dlq', 'orders']);
  });

  it('refuses queues that redrive into each other', () => {
    const resources = {
      A: {
        Type: 'AWS::SQS::Queue',
        Properties: { QueueName: 'a', RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['B', 'Arn'] }, maxReceiveCount: 1 } },
      },
      B: {
        Type: 'AWS::SQS::Queue',
        Properties: { QueueName: 'b', RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['A', 'Arn'] }, maxReceiveCount: 1 } },
      },
    };

    expect(() => planLocalCloud(service({}, resources), NAMES)).toThrow('cycle');
  });

  it('refuses an SNS subscription resource to anything but SQS', () => {
    const resources = {
      Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 't' } },
      Mail: { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: 'Topic' }, Protocol: 'email', Endpoint: 'ops@example.com' } },
    };

    expect(() => planLocalCloud(service({}, resources), NAMES)).toThrow(/resource \w+ \(AWS::SNS::Subscription\): Protocol email does not run locally/);
  });
});
