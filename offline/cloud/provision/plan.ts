import type { TargetInput } from '../emulators/eventbridge-input';
import { planQueue } from './plan-queue';
import { planSnsFilter } from './plan-sns';
import { createResolver, nameFromArn, type CfnResources, type Names } from './intrinsics';
import type { Destination } from '../lambda/destinations';
import { planDestinations } from './plan-destinations';
import { planEventBridge, type EventRulePlan } from './plan-eventbridge';
import { eventArn, withUndeclaredResources } from './plan-undeclared';
import { planStreamEvent, type StreamConsumerPlan } from './plan-streams';

export type { StreamConsumerPlan } from './plan-streams';

/** The slice of Serverless' resolved service the local cloud reads. */
export type ServiceConfig = {
  service: string;
  provider: { region?: string; stage?: string; environment?: Record<string, unknown>; s3?: Record<string, { name?: string }>; timeout?: number };
  functions: Record<string, FunctionConfig>;
  resources?: { Resources?: CfnResources };
};

export type FunctionConfig = {
  name?: string;
  timeout?: number;
  maximumRetryAttempts?: number;
  maximumEventAge?: number;
  destinations?: { onSuccess?: unknown; onFailure?: unknown };
  events?: Record<string, unknown>[];
};

export type QueuePlan = { name: string; attributes: Record<string, string> };
export type TablePlan = { name: string; properties: Record<string, unknown> };
export type SubscriptionPlan = { topic: string; queue: string; raw: boolean; filterPolicy?: unknown; filterPolicyScope?: 'MessageAttributes' | 'MessageBody' };
export type NotificationPlan = { bucket: string; queue: string; events: string[]; prefix?: string; suffix?: string };

/**
 * A function invoked asynchronously (SNS, S3, schedules; 'invoke': only as another function's
 * destination) through its event queue, with Lambda's retry rules and destinations.
 */
export type AsyncSource = 'sns' | 's3' | 'schedule' | 'eventbridge' | 'invoke';

export type AsyncConsumerPlan = {
  functionKey: string;
  functionName: string;
  source: AsyncSource;
  /**
   * The other kinds of event the function's one event queue receives (a function with, say, sns and
   * eventBridge events): each message is then told apart by its shape (lambdaEvent).
   */
  otherSources?: AsyncSource[];
  queue: string;
  subscriptionArn?: string;
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  onSuccess?: Destination;
  onFailure?: Destination;
};

/**
 * An EventBridge schedule rule: at each firing, the scheduled event (or `input`, or what `transform`
 * makes of it) goes into a queue (a function's event queue, or an SQS target) or an SNS topic.
 */
export type SchedulePlan = {
  /** The function's key, or the logical id of a rule declared as a resource: for the log. */
  functionKey: string;
  ruleName: string;
  expression: string;
  queue?: string;
  topic?: string;
  input?: unknown;
  transform?: TargetInput;
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
  /** Custom event buses (`default` always exists) and the event-pattern rules on them. */
  eventBuses: string[];
  eventRules: EventRulePlan[];
  /** provider.environment with every intrinsic function resolved to its local value. */
  environment: Record<string, string>;
  /** What the local cloud runs differently from AWS for this service: one line each, printed at start. */
  warnings: string[];
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
  const declared = config.resources?.Resources ?? {};
  const functionNameOf = (functionKey: string) => {
    const fn = config.functions[functionKey];
    return fn ? (fn.name ?? `${config.service}-${names.stage}-${functionKey}`) : undefined;
  };
  const lambdaLogicalIds = Object.fromEntries(
    Object.keys(config.functions).map((key) => [
      `${key
        .replace(/-/g, 'Dash')
        .replace(/_/g, 'Underscore')
        .replace(/^./, (c) => c.toUpperCase())}LambdaFunction`,
      functionNameOf(key)!,
    ]),
  );
  const undeclared = withUndeclaredResources(config.functions, declared, createResolver(declared, { ...names, region }, lambdaLogicalIds).text);
  const resources = undeclared.resources;
  const resolver = createResolver(resources, { ...names, region }, lambdaLogicalIds);
  const { resolve, text } = resolver;
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
    eventBuses: [],
    eventRules: [],
    environment: {},
    warnings: [...undeclared.warnings],
  };
  const eventQueueOf = (functionKey: string) => {
    const fn = config.functions[functionKey];
    const queue = asyncQueueName(config.service, names.stage, functionKey);
    // Long enough that a running invocation is never handed out twice.
    const timeout = fn.timeout ?? config.provider.timeout ?? 6;
    if (!plan.queues.some((q) => q.name === queue)) plan.queues.push({ name: queue, attributes: { VisibilityTimeout: String(timeout + 5) } });
    return queue;
  };
  /** One consumer per event queue, whatever kinds of event the function's events deliver to it. */
  const consumeEventQueue = (functionKey: string, source: AsyncSource, queue: string) => {
    const existing = plan.asyncConsumers.find((c) => c.queue === queue);
    if (!existing) {
      plan.asyncConsumers.push({ functionKey, functionName: functionNameOf(functionKey)!, source, queue, ...asyncRulesOf(config.functions[functionKey]) });
      return;
    }
    if (existing.source !== source && !existing.otherSources?.includes(source)) existing.otherSources = [...(existing.otherSources ?? []), source];
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
        if (p.Protocol !== 'sqs')
          throw new Error(
            `resource ${logicalId} (AWS::SNS::Subscription): Protocol ${String(p.Protocol)} does not run locally, only sqs (a function subscribes through an sns event)`,
          );
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
    const functionName = functionNameOf(functionKey)!;
    const eventQueue = () => eventQueueOf(functionKey);
    for (const [index, event] of (fn.events ?? []).entries()) {
      if (event.sns) {
        const sns = event.sns as { arn?: unknown; topicName?: string; filterPolicy?: unknown; filterPolicyScope?: unknown } | string;
        const topic = (typeof sns === 'object' && sns.topicName) || nameFromArn(text(eventArn(sns)));
        if (!plan.topics.includes(topic)) plan.topics.push(topic);
        const queue = eventQueue();
        const filter = typeof sns === 'string' ? {} : planSnsFilter(`function ${functionKey}, sns event`, sns.filterPolicy, sns.filterPolicyScope);
        plan.subscriptions.push({ topic, queue, raw: false, ...filter });
        consumeEventQueue(functionKey, 'sns', queue);
      }
      if (event.s3) {
        const s3 = event.s3 as { bucket: string; event?: string; rules?: Record<string, string>[] } | string;
        const spec = typeof s3 === 'string' ? { bucket: s3 } : s3;
        const bucket = config.provider.s3?.[spec.bucket]?.name ?? spec.bucket;
        if (!plan.buckets.includes(bucket)) plan.buckets.push(bucket);
        const rules = Object.assign({}, ...(spec.rules ?? [])) as { prefix?: string; suffix?: string };
        const queue = eventQueue();
        plan.notifications.push({ bucket, queue, events: [spec.event ?? 's3:ObjectCreated:*'], prefix: rules.prefix, suffix: rules.suffix });
        consumeEventQueue(functionKey, 's3', queue);
      }
      if (event.schedule) {
        const schedule = event.schedule as string | { rate: string | string[]; enabled?: boolean; input?: unknown; name?: string };
        const spec = typeof schedule === 'string' ? { rate: schedule } : schedule;
        if (spec.enabled === false) continue;
        const queue = eventQueue();
        for (const [i, expression] of [spec.rate].flat().entries()) {
          plan.schedules.push({ functionKey, ruleName: spec.name ?? `${functionName}-schedule-${i + 1}`, expression, queue, input: spec.input });
        }
        consumeEventQueue(functionKey, 'schedule', queue);
      }
      if (event.stream) plan.streamConsumers.push(planStreamEvent(event.stream, { functionKey, functionName, index }, { text }, plan.warnings));
    }
  }

  const eventBridge = planEventBridge({
    region,
    accountId: names.accountId,
    resources,
    functions: config.functions,
    resolver,
    functionName: (functionKey) => functionNameOf(functionKey)!,
    eventQueueFor(functionKey) {
      const queue = eventQueueOf(functionKey);
      consumeEventQueue(functionKey, 'eventbridge', queue);
      return queue;
    },
  });
  plan.eventBuses.push(...eventBridge.eventBuses);
  plan.eventRules.push(...eventBridge.eventRules);
  plan.warnings.push(...eventBridge.warnings);
  for (const { target, ...schedule } of eventBridge.schedules) {
    plan.schedules.push({
      ...schedule,
      queue: target.queue,
      topic: target.topic,
      transform: { Input: target.input, InputPath: target.inputPath, InputTransformer: target.inputTransformer },
    });
  }
  plan.warnings.push(...planDestinations(config, plan, { text, functionNameOf, eventQueueOf, asyncRulesOf }));
  for (const [key, value] of Object.entries(config.provider.environment ?? {})) plan.environment[key] = String(resolve(value));
  plan.queues = dependenciesFirst(plan.queues);
  return plan;
}

/** Lambda's asynchronous invocation settings of a function (its destinations are planned apart). */
export const asyncRulesOf = (fn: FunctionConfig) => ({
  maximumRetryAttempts: fn.maximumRetryAttempts ?? DEFAULT_ASYNC_RETRIES,
  maximumEventAgeSeconds: fn.maximumEventAge ?? DEFAULT_EVENT_AGE,
});

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
