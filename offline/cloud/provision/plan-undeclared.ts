import type { CfnResources } from './intrinsics';

type Kind = { label: string; type: string; nameProperty: string; properties(name: string): Record<string, unknown>; note?: string };

// What an "existing" resource (named by ARN in an event, declared nowhere) becomes locally.
const KINDS = {
  topic: { label: 'sns topic', type: 'AWS::SNS::Topic', nameProperty: 'TopicName', properties: (name) => ({ TopicName: name }) },
  queue: {
    label: 'sqs queue',
    type: 'AWS::SQS::Queue',
    nameProperty: 'QueueName',
    properties: (name) => (name.endsWith('.fifo') ? { QueueName: name, FifoQueue: true } : { QueueName: name }),
  },
  stream: { label: 'kinesis stream', type: 'AWS::Kinesis::Stream', nameProperty: 'Name', properties: (name) => ({ Name: name, ShardCount: 1 }) },
  table: {
    label: 'dynamodb table',
    type: 'AWS::DynamoDB::Table',
    nameProperty: 'TableName',
    properties: (name) => ({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
    note: ' with a key pk (S) and a NEW_AND_OLD_IMAGES stream',
  },
  bus: { label: 'event bus', type: 'AWS::Events::EventBus', nameProperty: 'Name', properties: (name) => ({ Name: name }) },
} satisfies Record<string, Kind>;

type Functions = Record<string, { events?: Record<string, unknown>[] }>;

/**
 * The resources of serverless.yml plus one for each topic, queue, Kinesis stream, DynamoDB stream's
 * table or event bus that an event names by ARN but no resource declares (one that exists on AWS),
 * so that the local cloud creates it; one warning line says so for each.
 */
export function withUndeclaredResources(
  functions: Functions,
  declared: CfnResources,
  text: (value: unknown) => string,
): { resources: CfnResources; warnings: string[] } {
  const resources: CfnResources = { ...declared };
  const warnings: string[] = [];
  const need = (functionKey: string, kind: Kind, name: string | undefined) => {
    if (!name) return; // not an ARN of that kind: the plan reports it where it reads it
    const exists = Object.values(resources).some((r) => r.Type === kind.type && r.Properties?.[kind.nameProperty] === name);
    if (exists) return;
    resources[`LocalUndeclared${kind.type.split('::')[2]}${name.replace(/[^A-Za-z0-9]/g, '')}`] = { Type: kind.type, Properties: kind.properties(name) };
    warnings.push(`${functionKey}: ${kind.label} ${name} is not declared in resources; created locally${kind.note ?? ''}`);
  };

  for (const [functionKey, fn] of Object.entries(functions)) {
    for (const event of fn.events ?? []) {
      for (const [type, spec] of Object.entries(event)) {
        const arn = literalArn(type === 'eventBridge' ? field(spec, 'eventBus') : eventArn(spec), text);
        if (!arn) continue;
        const [, , service, , , ...rest] = arn.split(':');
        const resource = rest.join(':');
        if (type === 'sns' && service === 'sns') need(functionKey, KINDS.topic, resource);
        if (type === 'sqs' && service === 'sqs') need(functionKey, KINDS.queue, resource);
        if (type === 'stream' && service === 'kinesis') need(functionKey, KINDS.stream, resource.replace(/^stream\//, ''));
        if (type === 'stream' && service === 'dynamodb') need(functionKey, KINDS.table, resource.split('/')[1]);
        if (type === 'eventBridge' && service === 'events') need(functionKey, KINDS.bus, resource.replace(/^event-bus\//, ''));
      }
    }
  }
  return { resources, warnings };
}

const isIntrinsic = (value: unknown): boolean =>
  value !== null && typeof value === 'object' && Object.keys(value).some((key) => key === 'Ref' || key.startsWith('Fn::'));

/** An event's ARN: the event itself in its short form (`sns: <arn>`, `sqs: !GetAtt Q.Arn`), else its `arn`. */
export const eventArn = (spec: unknown): unknown => (typeof spec === 'string' || isIntrinsic(spec) ? spec : field(spec, 'arn'));

const field = (spec: unknown, name: string): unknown => (spec !== null && typeof spec === 'object' ? (spec as Record<string, unknown>)[name] : undefined);

/**
 * The ARN when it is written out (literally or through Fn::Sub / Fn::Join); undefined for a Ref or
 * Fn::GetAtt, which name a declared resource, and for anything that is not an ARN (e.g. a topic name,
 * which Serverless creates itself).
 */
function literalArn(value: unknown, text: (value: unknown) => string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object' && ('Ref' in value || 'Fn::GetAtt' in value)) return undefined;
  let arn: string;
  try {
    arn = text(value);
  } catch {
    return undefined; // the plan reports what it cannot resolve, naming it
  }
  return arn.startsWith('arn:') ? arn : undefined;
}
