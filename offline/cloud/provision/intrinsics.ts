import { EMBEDDED_STREAM_LABEL } from '../emulators/dynamodb-streams';

/** CloudFormation resources as serverless.yml declares them (after Serverless resolved its variables). */
export type CfnResources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

export type Names = { region: string; accountId: string; sqsEndpoint: string };

/**
 * Resolves the intrinsic functions serverless.yml uses (Ref, Fn::GetAtt, Fn::Sub, Fn::Join) to the
 * names, ARNs and URLs the local cloud gives those resources. `functions` maps the logical ids
 * Serverless gives the functions (`<Name>LambdaFunction`) to their names.
 */
export function createResolver(resources: CfnResources, names: Names, functions: Record<string, string> = {}) {
  const { region, accountId } = names;
  const physicalName = (logicalId: string): string => {
    const resource = resources[logicalId];
    if (!resource && functions[logicalId]) return functions[logicalId];
    if (!resource) throw new Error(`serverless.yml refers to an unknown resource ${logicalId}`);
    const p = resource.Properties ?? {};
    const name = p.QueueName ?? p.TopicName ?? p.TableName ?? p.Name ?? p.BucketName ?? (resource.Type === 'AWS::Events::Rule' ? logicalId : undefined);
    if (typeof name !== 'string')
      throw new Error(`resource ${logicalId} (${resource.Type}) needs an explicit name to run locally (QueueName, TopicName, TableName, BucketName or Name)`);
    return name;
  };

  const ref = (logicalId: string): string => {
    if (logicalId === 'AWS::Region') return region;
    if (logicalId === 'AWS::AccountId') return accountId;
    if (logicalId === 'AWS::Partition') return 'aws';
    if (logicalId === 'AWS::URLSuffix') return 'amazonaws.com';
    const type = resources[logicalId]?.Type;
    const name = physicalName(logicalId);
    if (type === 'AWS::SNS::Topic') return `arn:aws:sns:${region}:${accountId}:${name}`;
    if (type === 'AWS::SQS::Queue') return `${names.sqsEndpoint}/${accountId}/${name}`;
    return name;
  };

  const getAtt = (logicalId: string, attribute: string): string => {
    const type = resources[logicalId]?.Type;
    const name = physicalName(logicalId);
    const arns: Record<string, string> = {
      'AWS::SQS::Queue': `arn:aws:sqs:${region}:${accountId}:${name}`,
      'AWS::SNS::Topic': `arn:aws:sns:${region}:${accountId}:${name}`,
      'AWS::Kinesis::Stream': `arn:aws:kinesis:${region}:${accountId}:stream/${name}`,
      'AWS::DynamoDB::Table': `arn:aws:dynamodb:${region}:${accountId}:table/${name}`,
      'AWS::S3::Bucket': `arn:aws:s3:::${name}`,
      'AWS::Events::EventBus': `arn:aws:events:${region}:${accountId}:event-bus/${name}`,
      'AWS::Events::Rule': `arn:aws:events:${region}:${accountId}:rule/${ruleBusPrefix(logicalId)}${name}`,
    };
    if (!resources[logicalId] && functions[logicalId] && attribute === 'Arn') return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
    if (attribute === 'Arn' && arns[type]) return arns[type];
    if (attribute === 'QueueName' || attribute === 'TopicName' || (attribute === 'Name' && type === 'AWS::Events::EventBus')) return name;
    if (attribute === 'StreamArn' && type === 'AWS::DynamoDB::Table') {
      // The embedded cloud's stream ARN (LocalStack's label differs: consumers look the stream up by table).
      if (!resources[logicalId].Properties?.StreamSpecification)
        throw new Error(`Fn::GetAtt ${logicalId}.StreamArn: table ${logicalId} has no StreamSpecification`);
      return `${arns[type]}/stream/${EMBEDDED_STREAM_LABEL}`;
    }
    if (attribute === 'QueueUrl') return ref(logicalId);
    throw new Error(`Fn::GetAtt ${logicalId}.${attribute} is not supported locally`);
  };

  /** `<bus>/` in the ARN of a rule on a custom event bus. */
  const ruleBusPrefix = (logicalId: string): string => {
    const bus = resources[logicalId]?.Properties?.EventBusName;
    const name = bus === undefined ? 'default' : String(resolve(bus));
    const busName = name.startsWith('arn:') ? name.slice(name.indexOf('/') + 1) : name;
    return busName === 'default' ? '' : `${busName}/`;
  };

  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const object = value as Record<string, unknown>;
    if ('Ref' in object) return ref(String(object.Ref));
    if ('Fn::GetAtt' in object) {
      const target = object['Fn::GetAtt'];
      const [id, attribute] = Array.isArray(target) ? target : String(target).split('.');
      return getAtt(String(id), String(attribute));
    }
    if ('Fn::Sub' in object) {
      const sub = object['Fn::Sub'];
      const [template, variables] = Array.isArray(sub) ? [String(sub[0]), (resolve(sub[1] ?? {}) ?? {}) as Record<string, unknown>] : [String(sub), {}];
      return template.replace(/\$\{([^}]+)\}/g, (_, expr: string) => {
        if (expr.startsWith('!')) return `\${${expr.slice(1)}}`; // ${!Literal} stays literal
        if (expr in variables) return String(variables[expr]);
        const [id, attribute] = expr.split('.');
        return attribute ? getAtt(id, attribute) : ref(id);
      });
    }
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return (resolve(parts) as unknown[]).join(separator);
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, resolve(v)]));
  };

  /** Resolves to a string, or fails naming what it could not resolve. */
  const text = (value: unknown): string => {
    const resolved = resolve(value);
    if (typeof resolved !== 'string') throw new Error(`Expected a name or ARN, got ${JSON.stringify(value)}`);
    return resolved;
  };

  return { resolve, text };
}

export type Resolver = ReturnType<typeof createResolver>;

export const nameFromArn = (arn: string): string =>
  arn
    .split(':')
    .pop()!
    .replace(/^stream\//, '');

/** The table a DynamoDB stream ARN (arn:…:table/<name>/stream/<label>) belongs to; its label holds ':' so nameFromArn cannot tell it. */
export const tableOfStreamArn = (arn: string): string => arn.split('/')[1];
