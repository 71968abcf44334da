import '../../support/quiet-sdk';
import { DescribeTableCommand, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { GetBucketNotificationConfigurationCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ListSubscriptionsByTopicCommand, ListTopicsCommand, PublishCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { localClients, type LocalClients } from '../../../../offline/cloud/provision/clients';
import { asyncQueueName, planLocalCloud, type LocalCloudPlan, type ServiceConfig } from '../../../../offline/cloud/provision/plan';
import { provision } from '../../../../offline/cloud/provision/provision';
import { runSeedModule } from '../../../../offline/cloud/provision/seed-module';
import { localEndpoints, sdkEnvironment, DEFAULT_SETTINGS } from '../../../../offline/plugin/settings';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolvedService } from '../../support/resolved-service';
import { ACCOUNT_ID, REGION, startTestCloud, type TestCloud } from '../../support/test-cloud';

const ROOT = join(__dirname, '..', '..', '..', '..');
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:orderflow-local-order-events`;
const eventQueue = (functionKey: string) => asyncQueueName('orderflow', 'local', functionKey);

describe('provision, from the plan of the real serverless.yml, into the embedded local cloud', () => {
  let cloud: TestCloud;
  let clients: LocalClients;
  let plan: LocalCloudPlan;
  let config: ServiceConfig;

  beforeAll(async () => {
    config = await resolvedService();
    cloud = await startTestCloud();
    plan = planLocalCloud(config, { stage: 'local', accountId: ACCOUNT_ID, sqsEndpoint: cloud.sqsEndpoint });
    // Provisioning invokes no function: the Lambda endpoint is never called.
    clients = localClients({ region: plan.region, sqs: cloud.sqsEndpoint, edge: cloud.edge, lambda: 'http://127.0.0.1:9', accessKeyId: 'test' });

    // Twice: a restart (or long-lived containers) provisions over what is already there.
    await provision(plan, clients);
    await provision(plan, clients);
  }, 60_000);

  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await cloud?.stop();
  });

  it('creates every queue of the plan, once', async () => {
    const { QueueUrls = [] } = await cloud.sdk.sqs.send(new ListQueuesCommand({}));

    expect(QueueUrls.map((url) => url.split('/').pop()).sort()).toEqual(plan.queues.map((q) => q.name).sort());
  });

  it('gives the payments queue its visibility timeout and its redrive policy to the DLQ', async () => {
    const { Attributes } = await cloud.sdk.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: cloud.queueUrl('orderflow-local-payments'), AttributeNames: ['All'] }),
    );

    expect(Attributes?.VisibilityTimeout).toBe('2');
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toMatchObject({ deadLetterTargetArn: cloud.queueArn('orderflow-local-payments-dlq'), maxReceiveCount: 5 });
  });

  it("gives each event queue a visibility timeout above its function's timeout", async () => {
    const { Attributes } = await cloud.sdk.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: cloud.queueUrl(eventQueue('importOrders')), AttributeNames: ['VisibilityTimeout'] }),
    );

    expect(Number(Attributes?.VisibilityTimeout)).toBeGreaterThan(config.functions.importOrders.timeout!);
  });

  it('creates the topic with its three subscriptions, not duplicated by the second run', async () => {
    const { Topics = [] } = await cloud.sdk.sns.send(new ListTopicsCommand({}));
    const { Subscriptions = [] } = await cloud.sdk.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC_ARN }));

    expect(Topics.map((t) => t.TopicArn)).toEqual([TOPIC_ARN]);
    expect(Subscriptions.map((s) => s.Endpoint).sort()).toEqual(
      [cloud.queueArn('orderflow-local-payments'), cloud.queueArn(eventQueue('reserveInventory')), cloud.queueArn(eventQueue('notifyCustomer'))].sort(),
    );
  });

  it('delivers an OrderPlaced event to the payments queue raw, and to no event queue', async () => {
    const body = JSON.stringify({ type: 'OrderPlaced', orderId: 'o-placed' });

    await clients.sns.send(
      new PublishCommand({ TopicArn: TOPIC_ARN, Message: body, MessageAttributes: { eventType: { DataType: 'String', StringValue: 'OrderPlaced' } } }),
    );

    const [payment] = await cloud.receive(cloud.queueUrl('orderflow-local-payments'), 1);
    expect(payment.Body).toBe(body);
    expect(payment.MessageAttributes?.eventType?.StringValue).toBe('OrderPlaced');
    expect(await cloud.drain(cloud.queueUrl(eventQueue('reserveInventory')))).toEqual([]);
    expect(await cloud.drain(cloud.queueUrl(eventQueue('notifyCustomer')))).toEqual([]);
  });

  it("delivers an OrderPaid event to reserveInventory's event queue in the SNS envelope, and nowhere else", async () => {
    const body = JSON.stringify({ type: 'OrderPaid', orderId: 'o-paid' });

    await clients.sns.send(
      new PublishCommand({ TopicArn: TOPIC_ARN, Message: body, MessageAttributes: { eventType: { DataType: 'String', StringValue: 'OrderPaid' } } }),
    );

    const [event] = await cloud.receive(cloud.queueUrl(eventQueue('reserveInventory')), 1);
    expect(JSON.parse(event.Body!)).toMatchObject({
      Type: 'Notification',
      TopicArn: TOPIC_ARN,
      Message: body,
      MessageAttributes: { eventType: { Type: 'String', Value: 'OrderPaid' } },
    });
    expect(await cloud.drain(cloud.queueUrl('orderflow-local-payments'))).toEqual([]);
    expect(await cloud.drain(cloud.queueUrl(eventQueue('notifyCustomer')))).toEqual([]);
  });

  it("delivers an OrderConfirmed event to notifyCustomer's event queue", async () => {
    await clients.sns.send(
      new PublishCommand({
        TopicArn: TOPIC_ARN,
        Message: '{"type":"OrderConfirmed"}',
        MessageAttributes: { eventType: { DataType: 'String', StringValue: 'OrderConfirmed' } },
      }),
    );

    const [event] = await cloud.receive(cloud.queueUrl(eventQueue('notifyCustomer')), 1);
    expect(JSON.parse(event.Body!).Message).toBe('{"type":"OrderConfirmed"}');
  });

  it('creates both buckets', async () => {
    const { Buckets = [] } = await cloud.sdk.s3.send(new ListBucketsCommand({}));

    expect(Buckets.map((b) => b.Name)).toEqual(expect.arrayContaining(['orderflow-local-imports', 'orderflow-local-reports']));
  });

  it("configures the imports bucket to notify importOrders' event queue of incoming/*.csv only", async () => {
    const { QueueConfigurations } = await cloud.sdk.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'orderflow-local-imports' }));
    expect(QueueConfigurations).toEqual([
      expect.objectContaining({
        QueueArn: cloud.queueArn(eventQueue('importOrders')),
        Events: ['s3:ObjectCreated:*'],
        Filter: {
          Key: {
            FilterRules: [
              { Name: 'prefix', Value: 'incoming/' },
              { Name: 'suffix', Value: '.csv' },
            ],
          },
        },
      }),
    ]);

    await cloud.sdk.s3.send(new PutObjectCommand({ Bucket: 'orderflow-local-imports', Key: 'incoming/notes.txt', Body: 'x' }));
    await cloud.sdk.s3.send(new PutObjectCommand({ Bucket: 'orderflow-local-imports', Key: 'incoming/i-1.csv', Body: 'sku,quantity\n' }));

    const messages = [
      ...(await cloud.receive(cloud.queueUrl(eventQueue('importOrders')), 1)),
      ...(await cloud.drain(cloud.queueUrl(eventQueue('importOrders')))),
    ];
    expect(messages.map((m) => JSON.parse(m.Body!).Records[0].s3.object.key)).toEqual(['incoming/i-1.csv']);
  });

  it('creates the activity stream, active, with its shard', async () => {
    const { StreamDescriptionSummary } = await cloud.sdk.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'orderflow-local-order-activity' }));

    expect(StreamDescriptionSummary).toMatchObject({
      StreamStatus: 'ACTIVE',
      OpenShardCount: 1,
      StreamARN: `arn:aws:kinesis:${REGION}:${ACCOUNT_ID}:stream/orderflow-local-order-activity`,
    });
  });

  it('creates the table, active, with its keys and its index', async () => {
    const { Table } = await cloud.sdk.dynamodb.send(new DescribeTableCommand({ TableName: 'orderflow-local' }));

    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['gsi1']);
  });

  it('brings a queue that already exists with other attributes up to date', async () => {
    const only = (attributes: Record<string, string>): LocalCloudPlan => ({
      ...plan,
      queues: [{ name: 'orderflow-local-resized', attributes }],
      ...{ tables: [], topics: [], subscriptions: [], buckets: [], streams: [], notifications: [] },
    });
    await provision(only({ VisibilityTimeout: '5' }), clients);

    await provision(only({ VisibilityTimeout: '9' }), clients);

    const { Attributes } = await cloud.sdk.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: cloud.queueUrl('orderflow-local-resized'), AttributeNames: ['VisibilityTimeout'] }),
    );
    expect(Attributes?.VisibilityTimeout).toBe('9');
  });

  describe("orderflow's seed module (custom.localCloud.seed), loaded as the local cloud loads it", () => {
    const seedCatalog = async () => {
      const endpoints = localEndpoints({ ...DEFAULT_SETTINGS, sqsPort: cloud.sqsPort, edgePort: cloud.edgePort }, plan.region);
      await runSeedModule((config as ServiceConfig & { custom: { localCloud: { seed: string } } }).custom.localCloud.seed, {
        environment: { ...plan.environment, ...sdkEnvironment(endpoints) },
        serviceDir: ROOT,
        log: () => undefined,
      });
    };

    const product = async (sku: string) =>
      (await cloud.sdk.dynamodb.send(new GetItemCommand({ TableName: 'orderflow-local', Key: { pk: { S: 'CATALOG' }, sk: { S: sku } }, ConsistentRead: true })))
        .Item;

    it('seeds the sample catalog, SKU-OOS with no stock', async () => {
      await seedCatalog();

      expect((await product('SKU-OOS'))?.stock).toEqual({ N: '0' });
      // Less the two the CONFIRMED sample order took (events/notifyCustomer.json).
      expect((await product('SKU-1'))?.stock).toEqual({ N: '999998' });
    });

    it('seeds the order and the import that the sample events refer to', async () => {
      await seedCatalog();

      const { pathParameters } = JSON.parse(readFileSync(join(ROOT, 'events', 'getOrder.json'), 'utf8'));
      const order = await cloud.sdk.dynamodb.send(
        new GetItemCommand({ TableName: 'orderflow-local', Key: { pk: { S: `ORDER#${pathParameters.orderId}` }, sk: { S: 'ORDER' } } }),
      );
      expect(order.Item?.status).toEqual({ S: 'PENDING' });
    });

    it('keeps the stock that changed since, when it runs again', async () => {
      await seedCatalog();
      await cloud.sdk.dynamodb.send(
        new UpdateItemCommand({
          TableName: 'orderflow-local',
          Key: { pk: { S: 'CATALOG' }, sk: { S: 'SKU-1' } },
          UpdateExpression: 'SET stock = :s',
          ExpressionAttributeValues: { ':s': { N: '7' } },
        }),
      );

      await seedCatalog();

      expect((await product('SKU-1'))?.stock).toEqual({ N: '7' });
      expect((await product('SKU-OOS'))?.stock).toEqual({ N: '0' });
    });
  });
});
