import { planQueue } from './plan-queue';
import { planSnsFilter } from './plan-sns';
import { createResolver, nameFromArn, type CfnResources, type Names } from './intrinsics';

/** The slice of Serverless' resolved service the local cloud reads. */
export type ServiceConfig = {
  service: string;
  provider: { region?: string; stage?: string; environment?: Record<string, unknown>; s3?: Record<string, { name?: string }>; timeout?: number };
  functions: Record<string, FunctionConfig>;
  resources?: { Resources?: CfnResources };
};

type FunctionConfig = {
  name?: string;
  timeout?: number;
  maximumRetryAttempts?: number;
  maximumEventAge?: number;
  destinations?: { onFailure?: unknown };
  events?: Record<string, unknown>[];
};

export type QueuePlan = { name: string; attributes: Record<string, string> };
export type TablePlan = { name: string; properties: Record<string, unknown> };
export type SubscriptionPlan = { topic: string; queue: string; raw: boolean; filterPolicy?: unknown; filterPolicyScope?: 'MessageAttributes' | 'MessageBody' };
export type NotificationPlan = { bucket: string; queue: string; events: string[]; prefix?: string; suffix?: string };

/** A function invoked asynchronously (SNS, S3) through its event queue, with Lambda's retry rules. */
export type AsyncConsumerPlan = {
  functionKey: string;
  functionName: string;
  source: 'sns' | 's3' | 'schedule';
  queue: string;
  subscriptionArn?: string;
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  onFailureQueue?: string;
};

/** An EventBridge schedule rule that targets a function (through its event queue). */
export type SchedulePlan = { functionKey: string; ruleName: string; expression: string; queue: string; input?: unknown };

/** A Kinesis event source mapping. */
export type StreamConsumerPlan = {
  functionKey: string;
  functionName: string;
  stream: string;
  batchSize: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  bisectBatchOnFunctionError: boolean;
  maximumRetryAttempts: number;
  maximumRecordAgeInSeconds: number;
  reportBatchItemFailures: boolean;
  onFailureQueue?: string;
};

export type LocalCloudPlan = {
  region: string;
  accountId: string;
  tables: TablePlan[];
  queues: QueuePlan[];
  topics: string[];
  subscriptions: SubscriptionPlan[];
  buckets: string[];
  streams: { name: string; shardCount: number }[];
  notifications: NotificationPlan[];
  asyncConsumers: AsyncConsumerPlan[];
  streamConsumers: StreamConsumerPlan[];
  schedules: SchedulePlan[];
  /** provider.environment with every intrinsic function resolved to its local value. */
  environment: Record<string, string>;
};

const DEFAULT_ASYNC_RETRIES = 2;
const DEFAULT_EVENT_AGE = 6 * 3600;

/** Lambda's own event queue for a function invoked asynchronously; local-only. */
export const asyncQueueName = (service: string, stage: string, functionKey: string) => `${service}-${stage}-${functionKey}-async-events`;

/**
 * Everything the local cloud must create and run, read from serverless.yml as Serverless resolved
 * it: the one description both local modes provision from.
 */
export function planLocalCloud(config: ServiceConfig, names: Omit<Names, 'region'> & { stage: string }): LocalCloudPlan {
  const region = config.provider.region ?? 'us-east-1';
  const resources = config.resources?.Resources ?? {};
  const { resolve, text } = createResolver(resources, { ...names, region });
  const plan: LocalCloudPlan = {
    region,
    accountId: names.accountId,
    tables: [],
    queues: [],
    topics: [],
    subscriptions: [],
    buckets: [],
    streams: [],
    notifications: [],
    asyncConsumers: [],
    streamConsumers: [],
    schedules: [],
    environment: {},
  };

  for (const [logicalId, resource] of Object.entries(resources)) {
    const p = (resolve(resource.Properties ?? {}) ?? {}) as Record<string, unknown>;
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
        plan.tables.push({ name: String(p.TableName), properties: p });
        break;
      case 'AWS::SQS::Queue':
        plan.queues.push(planQueue(logicalId, p));
        break;
      case 'AWS::SNS::Topic':
        plan.topics.push(String(p.TopicName));
        break;
      case 'AWS::SNS::Subscription':
        if (p.Protocol !== 'sqs') throw new Error(`Only SQS subscriptions are declared as resources locally, found ${String(p.Protocol)}`);
        plan.subscriptions.push({
          topic: nameFromArn(String(p.TopicArn)),
          queue: nameFromArn(String(p.Endpoint)),
          raw: String(p.RawMessageDelivery) === 'true',
          ...planSnsFilter(`AWS::SNS::Subscription of ${String(p.Endpoint)} to ${String(p.TopicArn)}`, p.FilterPolicy, p.FilterPolicyScope),
        });
        break;
      case 'AWS::S3::Bucket':
        plan.buckets.push(String(p.BucketName));
        break;
      case 'AWS::Kinesis::Stream':
        plan.streams.push({ name: String(p.Name), shardCount: Number(p.ShardCount ?? 1) });
        break;
    }
  }
  for (const bucket of Object.values(config.provider.s3 ?? {})) if (bucket.name) plan.buckets.push(bucket.name);

  for (const [functionKey, fn] of Object.entries(config.functions)) {
    const functionName = fn.name ?? `${config.service}-${names.stage}-${functionKey}`;
    const onFailureQueue = fn.destinations?.onFailure ? destinationQueue(fn.destinations.onFailure, text) : undefined;
    const asyncRules = {
      maximumRetryAttempts: fn.maximumRetryAttempts ?? DEFAULT_ASYNC_RETRIES,
      maximumEventAgeSeconds: fn.maximumEventAge ?? DEFAULT_EVENT_AGE,
      onFailureQueue,
    };
    const timeout = fn.timeout ?? config.provider.timeout ?? 6;
    const eventQueue = () => {
      const queue = asyncQueueName(config.service, names.stage, functionKey);
      // Long enough that a running invocation is never handed out twice.
      if (!plan.queues.some((q) => q.name === queue)) plan.queues.push({ name: queue, attributes: { VisibilityTimeout: String(timeout + 5) } });
      return queue;
    };
    for (const event of fn.events ?? []) {
      if (event.sns) {
        const sns = event.sns as { arn?: unknown; topicName?: string; filterPolicy?: unknown; filterPolicyScope?: unknown } | string;
        const topic = typeof sns === 'string' ? nameFromArn(sns) : sns.topicName ?? nameFromArn(text(sns.arn));
        if (!plan.topics.includes(topic)) plan.topics.push(topic);
        const queue = eventQueue();
        const filter = typeof sns === 'string' ? {} : planSnsFilter(`function ${functionKey}, sns event`, sns.filterPolicy, sns.filterPolicyScope);
        plan.subscriptions.push({ topic, queue, raw: false, ...filter });
        plan.asyncConsumers.push({ functionKey, functionName, source: 'sns', queue, ...asyncRules });
      }
      if (event.s3) {
        const s3 = event.s3 as { bucket: string; event?: string; rules?: Record<string, string>[] } | string;
        const spec = typeof s3 === 'string' ? { bucket: s3 } : s3;
        const bucket = config.provider.s3?.[spec.bucket]?.name ?? spec.bucket;
        if (!plan.buckets.includes(bucket)) plan.buckets.push(bucket);
        const rules = Object.assign({}, ...(spec.rules ?? [])) as { prefix?: string; suffix?: string };
        const queue = eventQueue();
        plan.notifications.push({ bucket, queue, events: [spec.event ?? 's3:ObjectCreated:*'], prefix: rules.prefix, suffix: rules.suffix });
        plan.asyncConsumers.push({ functionKey, functionName, source: 's3', queue, ...asyncRules });
      }
      if (event.schedule) {
        const schedule = event.schedule as string | { rate: string | string[]; enabled?: boolean; input?: unknown; name?: string };
        const spec = typeof schedule === 'string' ? { rate: schedule } : schedule;
        if (spec.enabled === false) continue;
        const queue = eventQueue();
        for (const [i, expression] of [spec.rate].flat().entries()) {
          plan.schedules.push({ functionKey, ruleName: spec.name ?? `${functionName}-schedule-${i + 1}`, expression, queue, input: spec.input });
        }
        if (!plan.asyncConsumers.some((c) => c.queue === queue)) plan.asyncConsumers.push({ functionKey, functionName, source: 'schedule', queue, ...asyncRules });
      }
      if (event.stream) {
        const stream = event.stream as Record<string, unknown>;
        if (stream.type !== 'kinesis') continue;
        const onFailure = (stream.destinations as { onFailure?: unknown } | undefined)?.onFailure;
        plan.streamConsumers.push({
          functionKey,
          functionName,
          stream: nameFromArn(text(stream.arn)),
          batchSize: Number(stream.batchSize ?? 100),
          startingPosition: stream.startingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON',
          bisectBatchOnFunctionError: stream.bisectBatchOnFunctionError === true,
          maximumRetryAttempts: Number(stream.maximumRetryAttempts ?? -1),
          maximumRecordAgeInSeconds: Number(stream.maximumRecordAgeInSeconds ?? -1),
          reportBatchItemFailures: stream.functionResponseType === 'ReportBatchItemFailures',
          onFailureQueue: onFailure ? destinationQueue(onFailure, text) : undefined,
        });
      }
    }
  }

  for (const [key, value] of Object.entries(config.provider.environment ?? {})) plan.environment[key] = String(resolve(value));
  plan.queues = dependenciesFirst(plan.queues);
  return plan;
}

function destinationQueue(onFailure: unknown, text: (v: unknown) => string): string {
  const arn = typeof onFailure === 'object' && onFailure !== null && 'arn' in onFailure ? text((onFailure as { arn: unknown }).arn) : text(onFailure);
  if (!arn.startsWith('arn:aws:sqs:')) throw new Error(`Only SQS on-failure destinations run locally, found ${arn}`);
  return nameFromArn(arn);
}

/** Dead-letter queues must exist before the queues that redrive into them, along whole chains. */
function dependenciesFirst(queues: QueuePlan[]): QueuePlan[] {
  const byName = new Map(queues.map((q) => [q.name, q]));
  const ordered: QueuePlan[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (queue: QueuePlan) => {
    if (state.get(queue.name) === 'done') return;
    if (state.get(queue.name) === 'visiting') throw new Error(`Queues redrive into each other in a cycle through ${queue.name}`);
    state.set(queue.name, 'visiting');
    const target = queue.attributes.RedrivePolicy ? byName.get(nameFromArn(JSON.parse(queue.attributes.RedrivePolicy).deadLetterTargetArn)) : undefined;
    if (target) visit(target);
    state.set(queue.name, 'done');
    ordered.push(queue);
  };
  queues.forEach(visit);
  return ordered;
}
