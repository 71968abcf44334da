import { CreateTableCommand, DescribeTableCommand, UpdateTableCommand, type CreateTableCommandInput, type StreamSpecification } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueUrlCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { LocalClients } from './clients';
import { provisionEventBridge } from './provision-eventbridge';
import { addMissingIndexes } from './table-indexes';
import type { LocalCloudPlan, QueuePlan, TablePlan } from './plan';

const ignore =
  (...names: string[]) =>
  (error: Error & { Code?: string }) => {
    if (!names.includes(error.name) && !names.includes(error.Code ?? '')) throw error;
  };

/**
 * Creates every resource of the plan, idempotently, through the AWS APIs: the same calls whether
 * the endpoints are the embedded emulators or ElasticMQ + LocalStack.
 */
export async function provision(plan: LocalCloudPlan, clients: LocalClients, log: (message: string) => void = () => undefined): Promise<void> {
  const arn = (service: string, name: string) => `arn:aws:${service}:${plan.region}:${plan.accountId}:${name}`;

  for (const queue of plan.queues) await createQueue(queue, clients);
  await Promise.all([
    ...plan.tables.map((table) => createTable(table, clients, log)),
    ...plan.topics.map((name) => clients.sns.send(new CreateTopicCommand({ Name: name }))),
    ...plan.buckets.map((name) => clients.s3.send(new CreateBucketCommand({ Bucket: name })).catch(ignore('BucketAlreadyOwnedByYou', 'BucketAlreadyExists'))),
    ...plan.streams.map((stream) => createStream(stream, clients)),
  ]);
  for (const sub of plan.subscriptions) {
    const Attributes: Record<string, string> = { RawMessageDelivery: String(sub.raw) };
    if (sub.filterPolicy) Attributes.FilterPolicy = typeof sub.filterPolicy === 'string' ? sub.filterPolicy : JSON.stringify(sub.filterPolicy);
    if (sub.filterPolicyScope) Attributes.FilterPolicyScope = sub.filterPolicyScope;
    await clients.sns.send(
      new SubscribeCommand({ TopicArn: arn('sns', sub.topic), Protocol: 'sqs', Endpoint: arn('sqs', sub.queue), Attributes, ReturnSubscriptionArn: true }),
    );
  }
  const buckets = new Set(plan.notifications.map((n) => n.bucket));
  for (const bucket of buckets) {
    const QueueConfigurations = plan.notifications
      .filter((n) => n.bucket === bucket)
      .map((n) => ({
        QueueArn: arn('sqs', n.queue),
        Events: n.events as never[],
        Filter: {
          Key: {
            FilterRules: [
              ...(n.prefix !== undefined ? [{ Name: 'prefix' as const, Value: n.prefix }] : []),
              ...(n.suffix !== undefined ? [{ Name: 'suffix' as const, Value: n.suffix }] : []),
            ],
          },
        },
      }));
    await clients.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: { QueueConfigurations } }));
  }
  await provisionEventBridge(plan, clients);
}

async function createQueue(queue: QueuePlan, clients: LocalClients): Promise<void> {
  try {
    await clients.sqs.send(new CreateQueueCommand({ QueueName: queue.name, Attributes: queue.attributes })).catch(async (error) => {
      // Already there with other attributes (a long-lived container): bring it up to date.
      ignore('QueueAlreadyExists', 'QueueNameExists')(error);
      const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: queue.name }));
      await clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: queue.attributes }));
    });
  } catch (error) {
    // The SQS APIs do not say which queue they refused.
    throw new Error(`Could not create queue ${queue.name} (${JSON.stringify(queue.attributes)}): ${(error as Error).message}`, { cause: error });
  }
}

async function createTable(table: TablePlan, clients: LocalClients, log: (message: string) => void): Promise<void> {
  const p = table.properties as Record<string, never>;
  const input: CreateTableCommandInput = {
    TableName: table.name,
    AttributeDefinitions: p.AttributeDefinitions,
    KeySchema: p.KeySchema,
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: (p.GlobalSecondaryIndexes as { IndexName: string; KeySchema: never; Projection: never }[] | undefined)?.map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection,
    })),
    StreamSpecification: streamSpecificationOf(table),
  };
  const created = await clients.dynamodb.send(new CreateTableCommand(input)).then(
    () => true,
    (error) => {
      ignore('ResourceInUseException')(error);
      return false;
    },
  );
  const describe = async () => (await clients.dynamodb.send(new DescribeTableCommand({ TableName: table.name }))).Table;
  await waitFor(async () => (await describe())?.TableStatus === 'ACTIVE', `table ${table.name}`);
  if (!created) {
    await addMissingIndexes(
      input,
      clients,
      async () => {
        await waitFor(async () => (await describe())?.TableStatus === 'ACTIVE', `table ${table.name}`);
        return describe();
      },
      log,
    );
  }
  const wanted = input.StreamSpecification;
  if (created || !wanted) return;
  // Already there (a long-lived container): give it the stream serverless.yml asks for, as
  // CloudFormation would (a stream's view type cannot change: the old stream is disabled first).
  const current = (await describe())?.StreamSpecification;
  if (current?.StreamEnabled && current.StreamViewType === wanted.StreamViewType) return;
  if (current?.StreamEnabled) {
    await clients.dynamodb.send(new UpdateTableCommand({ TableName: table.name, StreamSpecification: { StreamEnabled: false } }));
    await waitFor(async () => (await describe())?.TableStatus === 'ACTIVE', `table ${table.name}`);
  }
  await clients.dynamodb.send(new UpdateTableCommand({ TableName: table.name, StreamSpecification: wanted }));
  await waitFor(async () => (await describe())?.TableStatus === 'ACTIVE', `table ${table.name}`);
}

const STREAM_VIEW_TYPES = ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'];

/** CloudFormation's StreamSpecification ({ StreamViewType }) as the API takes it, which also needs StreamEnabled. */
export function streamSpecificationOf(table: TablePlan): StreamSpecification | undefined {
  const spec = table.properties.StreamSpecification as { StreamViewType?: unknown } | undefined;
  if (spec === undefined) return undefined;
  if (typeof spec?.StreamViewType !== 'string' || !STREAM_VIEW_TYPES.includes(spec.StreamViewType)) {
    throw new Error(
      `Table ${table.name}: StreamSpecification.StreamViewType must be one of ${STREAM_VIEW_TYPES.join(', ')} (got ${JSON.stringify(spec?.StreamViewType)})`,
    );
  }
  return { StreamEnabled: true, StreamViewType: spec.StreamViewType as StreamSpecification['StreamViewType'] };
}

async function createStream(stream: { name: string; shardCount: number }, clients: LocalClients): Promise<void> {
  await clients.kinesis.send(new CreateStreamCommand({ StreamName: stream.name, ShardCount: stream.shardCount })).catch(ignore('ResourceInUseException'));
  await waitFor(
    async () => (await clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream.name }))).StreamDescriptionSummary?.StreamStatus === 'ACTIVE',
    `stream ${stream.name}`,
  );
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what} to become active`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
