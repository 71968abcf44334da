import type { CfnResources } from '../cloud/provision/intrinsics';

// What the local cloud runs, as a table: every event type, event property, function property and
// resource type of serverless.yml that is not in it gets one warning line at start (nothing silent).

/** Event types serverless-offline runs itself, with its own checks of their properties. */
const RUN_BY_SERVERLESS_OFFLINE = ['http', 'httpApi', 'websocket', 'alb'];

/** Per event type, the properties the local cloud honours. */
const EVENT_PROPERTIES: Record<string, readonly string[]> = {
  sns: ['arn', 'topicName', 'filterPolicy', 'filterPolicyScope', 'displayName'],
  sqs: ['arn', 'batchSize', 'maximumBatchingWindow', 'functionResponseType', 'filterPatterns', 'enabled', 'maximumConcurrency'],
  stream: [
    'type',
    'arn',
    'batchSize',
    'batchWindow',
    'startingPosition',
    'startingPositionTimestamp',
    'maximumRetryAttempts',
    'maximumRecordAgeInSeconds',
    'bisectBatchOnFunctionError',
    'functionResponseType',
    'parallelizationFactor',
    'filterPatterns',
    'destinations',
    'enabled',
  ],
  s3: ['bucket', 'event', 'rules', 'existing', 'forceDeploy'],
  schedule: ['rate', 'enabled', 'input', 'name', 'description'],
  eventBridge: [
    'eventBus',
    'pattern',
    'schedule',
    'input',
    'inputPath',
    'inputTransformer',
    'retryPolicy',
    'deadLetterQueueArn',
    'name',
    'enabled',
    'description',
  ],
};

/** Nested properties the local cloud honours, where only some of an object's are. */
const NESTED_PROPERTIES: Record<string, readonly string[]> = {
  'stream.destinations': ['onFailure'],
};

/**
 * Function properties whose behaviour differs locally. Deploy-only ones that change nothing a
 * function observes (memorySize, vpc, provisionedConcurrency, tracing, iamRoleStatements…) are not listed.
 */
const FUNCTION_PROPERTIES_NOT_RUN: Record<string, string> = {
  reservedConcurrency: 'invocations are not throttled',
  layers: "the layers' code is not on the function's path",
  onError: 'use destinations.onFailure',
  url: 'no function URL is served',
  fileSystemConfig: 'no EFS is mounted',
  image: 'container images do not run',
};

/** Resource types the local cloud creates. */
const CREATED = [
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::SNS::Subscription',
  'AWS::DynamoDB::Table',
  'AWS::Kinesis::Stream',
  'AWS::S3::Bucket',
  'AWS::Events::EventBus',
  'AWS::Events::Rule',
];

/** Access, logs, alarms and keys: nothing runs differently without them locally. */
const DEPLOY_ONLY = [
  /^AWS::IAM::/,
  /^AWS::Logs::/,
  /^AWS::CloudWatch::/,
  /^AWS::KMS::/,
  /^AWS::Lambda::Permission$/,
  /^AWS::(SQS::QueuePolicy|SNS::TopicPolicy|S3::BucketPolicy|Events::Archive)$/,
];

export type AuditedService = {
  functions?: Record<string, { events?: unknown[] } & Record<string, unknown>>;
  resources?: { Resources?: CfnResources };
};

export type LocalCloudAudit = {
  /** One line per function property, event or resource the local cloud does not run. */
  warnings: string[];
  /** One line counting the deploy-only resources, or undefined when there are none. */
  deployOnly?: string;
};

/** Lists what of serverless.yml the local cloud does not run. */
export function auditService(service: AuditedService): LocalCloudAudit {
  const warnings: string[] = [];
  for (const [functionKey, fn] of Object.entries(service.functions ?? {})) {
    for (const [property, why] of Object.entries(FUNCTION_PROPERTIES_NOT_RUN)) {
      if (fn[property] !== undefined && fn[property] !== null) warnings.push(`${functionKey}: ${property} is not run locally (${why})`);
    }
    for (const event of fn.events ?? []) warnings.push(...auditEvent(functionKey, event));
  }
  const deployOnly = new Map<string, number>();
  for (const [logicalId, resource] of Object.entries(service.resources?.Resources ?? {})) {
    if (CREATED.includes(resource.Type)) continue;
    if (DEPLOY_ONLY.some((pattern) => pattern.test(resource.Type))) deployOnly.set(resource.Type, (deployOnly.get(resource.Type) ?? 0) + 1);
    else warnings.push(`resource ${logicalId} (${resource.Type}) is not created locally`);
  }
  return { warnings, deployOnly: deployOnly.size ? deployOnlySummary(deployOnly) : undefined };
}

function auditEvent(functionKey: string, event: unknown): string[] {
  if (event === null || typeof event !== 'object') return [];
  const warnings: string[] = [];
  for (const [type, spec] of Object.entries(event)) {
    if (type === 'websocket') warnings.push(...auditWebsocket(functionKey, spec));
    if (RUN_BY_SERVERLESS_OFFLINE.includes(type)) continue;
    const supported = EVENT_PROPERTIES[type];
    if (!supported) {
      warnings.push(`${functionKey}: ${type} events are not run locally`);
      continue;
    }
    // The short forms (`sns: <arn>`, `sns: !Sub …`, `schedule: rate(…)`) carry only what is supported.
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec) || isIntrinsic(spec)) continue;
    for (const [property, value] of Object.entries(spec)) {
      if (!supported.includes(property)) {
        warnings.push(`${functionKey}: ${type}.${property} is not run locally`);
        continue;
      }
      const nested = NESTED_PROPERTIES[`${type}.${property}`];
      if (!nested || value === null || typeof value !== 'object') continue;
      for (const inner of Object.keys(value)) if (!nested.includes(inner)) warnings.push(`${functionKey}: ${type}.${property}.${inner} is not run locally`);
    }
    const streamType = (spec as { type?: unknown }).type;
    if (type === 'stream' && streamType !== undefined && streamType !== 'kinesis' && streamType !== 'dynamodb') {
      warnings.push(`${functionKey}: stream.type ${typeof streamType === 'string' ? streamType : JSON.stringify(streamType)} is not run locally`);
    }
  }
  return warnings;
}

/**
 * serverless-offline runs websocket routes ($connect, $disconnect, $default, custom ones, two-way
 * routes, the @connections API) as API Gateway does, but for one thing it skips without a word: a
 * $connect authorizer's identitySource. API Gateway refuses a connection without it (401) before
 * calling the authorizer; serverless-offline calls the authorizer anyway.
 */
function auditWebsocket(functionKey: string, spec: unknown): string[] {
  const authorizer = spec !== null && typeof spec === 'object' ? (spec as { authorizer?: unknown }).authorizer : undefined;
  if (authorizer === null || typeof authorizer !== 'object' || !('identitySource' in authorizer)) return [];
  return [`${functionKey}: websocket.authorizer.identitySource is not run locally (the authorizer is called even without it)`];
}

function deployOnlySummary(counts: Map<string, number>): string {
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  const types = [...counts].map(([type, n]) => (n > 1 ? `${type} ×${n}` : type)).join(', ');
  return `${total} deploy-only resource(s) not created locally (access, logs, alarms, keys): ${types}`;
}

/** `{ Ref: … }` or `{ 'Fn::…': … }`: a value CloudFormation computes, standing for an ARN or a name. */
const isIntrinsic = (value: object) => {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
};
