/**
 * Checks over a packaged CloudFormation template. Each returns the problems it finds, worded for
 * the person who has to fix them; an empty list means the template passes.
 */

// CloudFormation is loosely typed JSON: these checks read it through `any`, defensively.
export type Resource = { Type: string; Properties?: any; Condition?: string; DependsOn?: string | string[] };
export type Template = { Resources: Record<string, Resource>; Conditions?: Record<string, any> };

/** What a function's role may do: action -> the resources it may do it on (see describeResource). */
export type Grants = Record<string, string[]>;

export const SHARED_ROLE = 'IamRoleLambdaExecution';
const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:PutLogEvents'];

export const resourcesOfType = (template: Template, type: string): [string, Resource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

/** The logical id a Ref or Fn::GetAtt points at. */
export function target(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const object = value as Record<string, any>;
  if (typeof object.Ref === 'string') return object.Ref;
  const getAtt = object['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return String(getAtt[0]);
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

function getAttAttribute(value: unknown): string | undefined {
  const getAtt = (value as Record<string, unknown> | null)?.['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return String(getAtt[1]);
  if (typeof getAtt === 'string') return getAtt.split('.').slice(1).join('.');
  return undefined;
}

/**
 * A resource in an IAM statement, as one comparable string: a Ref or GetAtt becomes the logical id
 * ("OrdersTable"; "OrdersTable.StreamArn" for another attribute than Arn), a Join of one with a suffix becomes "OrdersTable/index/gsi1", a Sub its template.
 */
export function describeResource(value: unknown): string {
  if (typeof value === 'string') return value;
  const object = value as Record<string, any>;
  // A GetAtt of another attribute than the ARN says which: a table's StreamArn is not the table.
  const attribute = getAttAttribute(value);
  if (attribute && attribute !== 'Arn') return `${target(value)}.${attribute}`;
  const logicalId = target(value);
  if (logicalId) return logicalId;
  if (object?.['Fn::Sub'] !== undefined) return String(Array.isArray(object['Fn::Sub']) ? object['Fn::Sub'][0] : object['Fn::Sub']);
  if (Array.isArray(object?.['Fn::Join'])) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map(describeResource).join(separator);
  }
  return JSON.stringify(value);
}

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export type LambdaFunction = { name: string; logicalId: string; resource: Resource };

/** Every function, keyed by its name in serverless.yml (the FunctionName after "<service>-<stage>-"). */
export function lambdaFunctions(template: Template, prefix: string): Map<string, LambdaFunction> {
  const functions = new Map<string, LambdaFunction>();
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const name = String(resource.Properties.FunctionName).slice(prefix.length);
    functions.set(name, { name, logicalId, resource });
  }
  return functions;
}

export const roleOf = (fn: LambdaFunction): string | undefined => target(fn.resource.Properties.Role);

type Statement = { Effect: string; Action?: string | string[]; NotAction?: unknown; Resource?: unknown; NotResource?: unknown };

function statementsOf(role: Resource): Statement[] {
  return asList(role.Properties?.Policies).flatMap((policy: any) => asList(policy.PolicyDocument?.Statement) as Statement[]);
}

/** A role's grants: every (action, resource) pair of its Allow statements, logs excluded. */
export function grantsOf(role: Resource): Grants {
  const grants: Grants = {};
  for (const statement of statementsOf(role)) {
    if (statement.Effect !== 'Allow') continue;
    for (const action of asList(statement.Action)) {
      if (LOG_ACTIONS.includes(action)) continue;
      const resources = asList(statement.Resource as unknown[]).map(describeResource);
      grants[action] = [...new Set([...(grants[action] ?? []), ...resources])].sort();
    }
  }
  return grants;
}

/** Each function runs as a role of its own; the framework's shared role is never created. */
export function checkOneRolePerFunction(template: Template, functions: Map<string, LambdaFunction>): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const fn of functions.values()) {
    const role = roleOf(fn);
    if (!role || template.Resources[role]?.Type !== 'AWS::IAM::Role') {
      problems.push(`${fn.name} does not run as a role defined in this stack`);
      continue;
    }
    if (role === SHARED_ROLE) problems.push(`${fn.name} runs as the shared ${SHARED_ROLE}: give it iamRoleStatements (an empty list if it calls no AWS API)`);
    if (seen.has(role)) problems.push(`${fn.name} shares its role ${role} with ${seen.get(role)}`);
    seen.set(role, fn.name);
  }
  const shared = template.Resources[SHARED_ROLE];
  if (shared && !conditionIsNeverTrue(template, shared.Condition)) {
    problems.push(`${SHARED_ROLE} (the union of every event source's permissions, used by no function) would be created`);
  }
  const references = JSON.stringify({ ...template.Resources, [SHARED_ROLE]: undefined }).split(`"${SHARED_ROLE}"`).length - 1;
  if (references > 0) problems.push(`${references} reference(s) to ${SHARED_ROLE}, which is never created: the deploy would fail`);
  return problems;
}

function conditionIsNeverTrue(template: Template, name: string | undefined): boolean {
  const condition = name ? template.Conditions?.[name] : undefined;
  const equals = condition?.['Fn::Equals'];
  return Array.isArray(equals) && typeof equals[0] === 'string' && typeof equals[1] === 'string' && equals[0] !== equals[1];
}

/** Each function's role grants exactly what it is expected to, no more and no less. */
export function checkGrants(template: Template, functions: Map<string, LambdaFunction>, expected: Record<string, Grants>): string[] {
  const problems: string[] = [];
  for (const name of new Set([...functions.keys(), ...Object.keys(expected)])) {
    const fn = functions.get(name);
    if (!fn) {
      problems.push(`${name} is expected but not in the template`);
      continue;
    }
    if (!expected[name]) {
      problems.push(`${name} has no expected grants: audit its handler and add them to the test`);
      continue;
    }
    const role = template.Resources[roleOf(fn) ?? ''];
    const actual = role ? grantsOf(role) : {};
    const wanted = Object.fromEntries(Object.entries(expected[name]).map(([action, resources]) => [action, [...resources].sort()]));
    for (const action of new Set([...Object.keys(actual), ...Object.keys(wanted)])) {
      const has = actual[action] ?? [];
      const needs = wanted[action] ?? [];
      for (const resource of has.filter((r) => !needs.includes(r))) problems.push(`${name} may ${action} on ${resource}, which its code does not need`);
      for (const resource of needs.filter((r) => !has.includes(r))) problems.push(`${name} cannot ${action} on ${resource}, which its code does`);
    }
  }
  return problems;
}

/** No wildcard action in any role; a wildcard resource only where listed (AWS requires it there). */
export function checkNoWildcards(template: Template, allowedWildcardActions: string[] = []): string[] {
  const problems: string[] = [];
  for (const [logicalId, role] of [...resourcesOfType(template, 'AWS::IAM::Role'), ...resourcesOfType(template, 'AWS::IAM::Policy')]) {
    const statements = role.Type === 'AWS::IAM::Policy' ? (asList(role.Properties?.PolicyDocument?.Statement) as Statement[]) : statementsOf(role);
    for (const statement of statements) {
      if (statement.NotAction !== undefined || statement.NotResource !== undefined) problems.push(`${logicalId} uses NotAction/NotResource`);
      const actions = asList(statement.Action);
      for (const action of actions) if (action.includes('*')) problems.push(`${logicalId} allows the wildcard action ${action}`);
      for (const resource of asList(statement.Resource as unknown[])) {
        if (resource !== '*') continue;
        const unexpected = actions.filter((action) => !allowedWildcardActions.includes(action));
        if (unexpected.length) problems.push(`${logicalId} allows ${unexpected.join(', ')} on every resource (*)`);
      }
    }
  }
  return problems;
}

/** The logs statement a role gets is scoped to its own function's log group. */
export function checkLogPermissions(template: Template, functions: Map<string, LambdaFunction>): string[] {
  const problems: string[] = [];
  for (const fn of functions.values()) {
    const role = template.Resources[roleOf(fn) ?? ''];
    if (!role) continue;
    const logGroup = `log-group:/aws/lambda/${fn.resource.Properties.FunctionName}:`;
    for (const statement of statementsOf(role)) {
      if (!asList(statement.Action).some((action) => action.startsWith('logs:'))) continue;
      for (const resource of asList(statement.Resource as unknown[]).map(describeResource)) {
        if (!resource.includes(logGroup)) problems.push(`${fn.name} may write logs to ${resource}, not just its own log group`);
      }
    }
  }
  return problems;
}

/** Every function has a log group of its own, kept for the stage's retention. */
export function checkLogGroups(template: Template, functions: Map<string, LambdaFunction>, retentionInDays: number): string[] {
  const groups = new Map(resourcesOfType(template, 'AWS::Logs::LogGroup').map(([, group]) => [group.Properties.LogGroupName, group]));
  const problems: string[] = [];
  for (const fn of functions.values()) {
    const group = groups.get(`/aws/lambda/${fn.resource.Properties.FunctionName}`);
    if (!group) problems.push(`${fn.name} has no log group in the stack (Lambda would create one that never expires)`);
    else if (group.Properties.RetentionInDays !== retentionInDays)
      problems.push(`${fn.name}'s logs are kept ${group.Properties.RetentionInDays ?? 'forever'} days, not ${retentionInDays}`);
  }
  return problems;
}

/**
 * Queues that hold what the system gave up on: every redrive target, every on-failure destination,
 * and every queue named *-dlq or *-failures.
 */
export function deadLetterQueues(template: Template): string[] {
  const queues = new Set<string>();
  for (const [logicalId, queue] of resourcesOfType(template, 'AWS::SQS::Queue')) {
    if (/-(dlq|failures)$/.test(String(queue.Properties?.QueueName))) queues.add(logicalId);
    const redriveTarget = target(queue.Properties?.RedrivePolicy?.deadLetterTargetArn);
    if (redriveTarget) queues.add(redriveTarget);
  }
  const destinations = [...resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig'), ...resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')].map(
    ([, resource]) => target(resource.Properties?.DestinationConfig?.OnFailure?.Destination),
  );
  for (const destination of destinations) if (destination) queues.add(destination);
  return [...queues].sort();
}

const alarms = (template: Template) => resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([logicalId, alarm]) => ({ logicalId, ...alarm.Properties }));

const dimension = (alarm: any, name: string) => asList(alarm.Dimensions).find((d: any) => d.Name === name)?.Value;

/** The topic alarms notify: an SNS topic with its own KMS key that CloudWatch may use. */
export function checkAlarmTopic(template: Template, topicLogicalId: string): string[] {
  const problems: string[] = [];
  const topic = template.Resources[topicLogicalId];
  if (topic?.Type !== 'AWS::SNS::Topic') return [`no alarm topic ${topicLogicalId}`];
  const keyId = target(topic.Properties.KmsMasterKeyId);
  const key = keyId ? template.Resources[keyId] : undefined;
  if (key?.Type !== 'AWS::KMS::Key') {
    problems.push(
      `${topicLogicalId} must be encrypted with a key of this stack: CloudWatch cannot use the AWS managed key (${JSON.stringify(topic.Properties.KmsMasterKeyId)})`,
    );
  } else {
    const grantsCloudWatch = asList(key.Properties.KeyPolicy?.Statement).some(
      (s: any) =>
        s.Effect === 'Allow' &&
        asList(s.Principal?.Service).includes('cloudwatch.amazonaws.com') &&
        ['kms:Decrypt', 'kms:GenerateDataKey*'].every((a) => asList(s.Action).includes(a)),
    );
    if (!grantsCloudWatch) problems.push(`${keyId}'s key policy does not let CloudWatch encrypt notifications (kms:Decrypt, kms:GenerateDataKey*)`);
  }
  const policies = resourcesOfType(template, 'AWS::SNS::TopicPolicy').filter(([, p]) => asList(p.Properties.Topics).some((t) => target(t) === topicLogicalId));
  const cloudWatchMayPublish = policies.some(([, p]) =>
    asList(p.Properties.PolicyDocument?.Statement).some(
      (s: any) => s.Effect === 'Allow' && asList(s.Principal?.Service).includes('cloudwatch.amazonaws.com') && asList(s.Action).includes('sns:Publish'),
    ),
  );
  if (!cloudWatchMayPublish) problems.push(`no topic policy lets CloudWatch publish to ${topicLogicalId}`);
  const subscriptions = resourcesOfType(template, 'AWS::SNS::Subscription').filter(([, s]) => target(s.Properties.TopicArn) === topicLogicalId);
  for (const [logicalId, subscription] of subscriptions) {
    if (subscription.Properties.Protocol === 'email' && !subscription.Condition)
      problems.push(`${logicalId} subscribes an e-mail address even when alarmEmail is empty`);
  }
  for (const alarm of alarms(template)) {
    if (!asList(alarm.AlarmActions).some((action) => target(action) === topicLogicalId)) problems.push(`${alarm.logicalId} does not notify ${topicLogicalId}`);
  }
  return problems;
}

/** Every dead-letter and on-failure queue alarms as soon as it holds one message. */
export function checkQueueAlarms(template: Template): string[] {
  const watched = alarms(template).filter(
    (a) =>
      a.Namespace === 'AWS/SQS' &&
      a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
      a.Threshold === 0 &&
      a.ComparisonOperator === 'GreaterThanThreshold',
  );
  return deadLetterQueues(template)
    .filter((queue) => !watched.some((alarm) => target(dimension(alarm, 'QueueName')) === queue))
    .map((queue) => `${queue} (${template.Resources[queue]?.Properties?.QueueName}) has no alarm on ApproximateNumberOfMessagesVisible > 0`);
}

/** Every function alarms on its Errors. */
export function checkFunctionErrorAlarms(template: Template, functions: Map<string, LambdaFunction>): string[] {
  const watched = alarms(template).filter(
    (a) => a.Namespace === 'AWS/Lambda' && a.MetricName === 'Errors' && a.Threshold === 0 && a.ComparisonOperator === 'GreaterThanThreshold',
  );
  return [...functions.values()]
    .filter((fn) => !watched.some((alarm) => target(dimension(alarm, 'FunctionName')) === fn.logicalId))
    .map((fn) => `${fn.name} has no alarm on its Errors`);
}

/** What a dead-letter queue holds is kept long enough to be looked at and redriven. */
export function checkDeadLetterRetention(template: Template, seconds: number): string[] {
  return deadLetterQueues(template)
    .filter((queue) => template.Resources[queue]?.Properties?.MessageRetentionPeriod !== seconds)
    .map((queue) => `${queue} keeps messages ${template.Resources[queue]?.Properties?.MessageRetentionPeriod ?? 345600} s, not ${seconds} s`);
}

/** An SQS queue a function consumes hides a received message for at least 6x that function's timeout. */
export function checkVisibilityTimeouts(template: Template, functions: Map<string, LambdaFunction>): string[] {
  const problems: string[] = [];
  for (const [logicalId, mapping] of resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')) {
    const source = template.Resources[target(mapping.Properties.EventSourceArn) ?? ''];
    if (source?.Type !== 'AWS::SQS::Queue') continue;
    const fn = [...functions.values()].find((f) => f.logicalId === target(mapping.Properties.FunctionName));
    const timeout = fn?.resource.Properties.Timeout ?? 6;
    const visibility = source.Properties.VisibilityTimeout ?? 30;
    if (visibility < 6 * timeout)
      problems.push(`${logicalId}: ${source.Properties.QueueName} hides a message ${visibility} s, less than 6 x ${fn?.name}'s ${timeout} s timeout`);
  }
  return problems;
}

/** Data at rest is encrypted, and no bucket can be made public. */
export function checkEncryption(template: Template): string[] {
  const problems: string[] = [];
  for (const [id, queue] of resourcesOfType(template, 'AWS::SQS::Queue')) {
    if (queue.Properties?.SqsManagedSseEnabled !== true && !queue.Properties?.KmsMasterKeyId) problems.push(`queue ${id} is not encrypted`);
  }
  for (const [id, topic] of resourcesOfType(template, 'AWS::SNS::Topic')) {
    if (!topic.Properties?.KmsMasterKeyId) problems.push(`topic ${id} is not encrypted`);
  }
  for (const [id, bucket] of resourcesOfType(template, 'AWS::S3::Bucket')) {
    if (!asList(bucket.Properties?.BucketEncryption?.ServerSideEncryptionConfiguration).length) problems.push(`bucket ${id} has no default encryption`);
    const block = bucket.Properties?.PublicAccessBlockConfiguration ?? {};
    const open = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'].filter((setting) => block[setting] !== true);
    if (open.length) problems.push(`bucket ${id} does not set ${open.join(', ')}`);
  }
  for (const [id, stream] of resourcesOfType(template, 'AWS::Kinesis::Stream')) {
    if (stream.Properties?.StreamEncryption?.EncryptionType !== 'KMS') problems.push(`stream ${id} is not encrypted`);
  }
  for (const [id, table] of resourcesOfType(template, 'AWS::DynamoDB::Table')) {
    if (table.Properties?.SSESpecification?.SSEEnabled !== true) problems.push(`table ${id} is not encrypted with KMS`);
  }
  return problems;
}

export function checkPointInTimeRecovery(template: Template, enabled: boolean): string[] {
  return resourcesOfType(template, 'AWS::DynamoDB::Table')
    .filter(([, table]) => (table.Properties?.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled === true) !== enabled)
    .map(([id]) => `table ${id} point-in-time recovery should be ${enabled ? 'on' : 'off'}`);
}

/** No function carries the JWT secret itself, and none of the given values appears anywhere. */
export function checkNoJwtSecret(template: Template, functions: Map<string, LambdaFunction>, secrets: string[]): string[] {
  const problems: string[] = [];
  for (const fn of functions.values()) {
    const value = fn.resource.Properties.Environment?.Variables?.AUTH_JWT_SECRET;
    if (value !== undefined && value !== '') problems.push(`${fn.name} has AUTH_JWT_SECRET set in the template`);
  }
  const text = JSON.stringify(template);
  for (const secret of secrets) if (secret && text.includes(secret)) problems.push(`the template contains the secret "${secret.slice(0, 4)}…"`);
  return problems;
}

/** Every function sends its traces to X-Ray (active tracing: Lambda samples and starts the trace). */
export function checkActiveTracing(functions: Map<string, LambdaFunction>): string[] {
  return [...functions.values()].filter((fn) => fn.resource.Properties.TracingConfig?.Mode !== 'Active').map((fn) => `${fn.name} has no active X-Ray tracing`);
}

/** Each given metric of our own namespace alarms as soon as it counts one (Sum > 0), on the dimensions it is written with. */
export function checkMetricAlarms(template: Template, namespace: string, dimensions: Record<string, string>, metricNames: string[]): string[] {
  const matches = (alarm: any, metricName: string) =>
    alarm.Namespace === namespace &&
    alarm.MetricName === metricName &&
    alarm.Statistic === 'Sum' &&
    alarm.Threshold === 0 &&
    alarm.ComparisonOperator === 'GreaterThanThreshold' &&
    Object.entries(dimensions).every(([name, value]) => dimension(alarm, name) === value) &&
    asList(alarm.Dimensions).length === Object.keys(dimensions).length;
  return metricNames
    .filter((metricName) => !alarms(template).some((alarm) => matches(alarm, metricName)))
    .map((metricName) => `no alarm on ${namespace}/${metricName} > 0`);
}
