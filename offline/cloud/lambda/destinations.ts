import { randomUUID } from 'node:crypto';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { LocalClients } from '../provision/clients';
import { eventSourceMappingUuid } from './invocation-record';

/** Where Lambda sends an invocation record: a queue, topic, event bus, function or bucket, by ARN and name. */
export type Destination = { kind: 'sqs' | 'sns' | 'eventbridge' | 'lambda' | 's3'; arn: string; name: string };

/** serverless.yml's `type` of a destination object, and the kind of ARN it must be. */
const TYPES: Record<string, Destination['kind']> = { sqs: 'sqs', sns: 'sns', eventBus: 'eventbridge', function: 'lambda' };

const KIND_NAMES: Record<Destination['kind'], string> = {
  sqs: 'an SQS queue',
  sns: 'an SNS topic',
  eventbridge: 'an EventBridge event bus',
  lambda: 'a Lambda function',
  s3: 'an S3 bucket',
};

/**
 * A destination as serverless.yml declares it (osls 3.77.1): an ARN, the name of a function of the same
 * service, or `{ arn, type? }` with `type` one of sqs, sns, eventBus, function. `text` resolves intrinsic
 * functions; `functionNameOf` turns a function of the service into its deployed name (without it, only
 * ARNs are accepted, as for stream events). Throws naming `where`, e.g. "function fulfil, destinations.onFailure".
 */
export function parseDestination(
  value: unknown,
  text: (v: unknown) => string,
  where: string,
  functionNameOf?: (functionKey: string) => string | undefined,
): Destination {
  const resolve = (v: unknown) => {
    try {
      return text(v);
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`, { cause: error });
    }
  };
  if (typeof value === 'string') {
    if (value === '') throw new Error(`${where}: is empty; expected an ARN or the name of a function of this service`);
    if (value.startsWith('arn:')) return fromArn(value, where);
    const name = functionNameOf?.(value);
    if (name === undefined) {
      throw new Error(
        functionNameOf
          ? `${where}: "${value}" is neither an ARN nor a function of this service`
          : `${where}: "${value}" is not an ARN (only an ARN is accepted here)`,
      );
    }
    return fromArn(resolve({ 'Fn::Sub': `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${name}` }), where);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${where}: expected an ARN, a function name or { arn, type }, got ${JSON.stringify(value)}`);
  }
  const object = value as Record<string, unknown>;
  // An intrinsic function in place of the ARN (the schema asks for { arn }, Serverless only warns).
  if (!('arn' in object) && !('type' in object)) return fromArn(resolve(object), where);
  const unknownKeys = Object.keys(object).filter((key) => key !== 'arn' && key !== 'type');
  if (unknownKeys.length > 0)
    throw new Error(`${where}: unknown propert${unknownKeys.length > 1 ? 'ies' : 'y'} ${unknownKeys.join(', ')} (expected arn and type)`);
  if (object.arn === undefined) throw new Error(`${where}.arn: is required`);
  const destination = fromArn(resolve(object.arn), `${where}.arn`);
  if (object.type === undefined) return destination;
  const kind = typeof object.type === 'string' ? TYPES[object.type] : undefined;
  if (!kind) throw new Error(`${where}.type: ${JSON.stringify(object.type)} is not one of ${Object.keys(TYPES).join(', ')}`);
  if (kind !== destination.kind)
    throw new Error(`${where}.type: ${object.type as string} does not match ${destination.arn}, which is ${KIND_NAMES[destination.kind]}`);
  return destination;
}

function fromArn(arn: string, where: string): Destination {
  if (/^https?:\/\//.test(arn)) throw new Error(`${where}: ${arn} is a queue URL; a destination is an ARN (Fn::GetAtt <Queue>.Arn)`);
  const [prefix, , service, , , ...rest] = arn.split(':');
  const resource = rest.join(':');
  if (prefix !== 'arn' || !resource) throw new Error(`${where}: ${arn} is not an ARN`);
  if (service === 'sqs' && !resource.includes('/')) return { kind: 'sqs', arn, name: resource };
  if (service === 'sns' && !resource.includes(':')) return { kind: 'sns', arn, name: resource };
  if (service === 'events' && resource.startsWith('event-bus/')) return { kind: 'eventbridge', arn, name: resource.slice('event-bus/'.length) };
  if (service === 'lambda' && resource.startsWith('function:')) return { kind: 'lambda', arn, name: resource.split(':')[1] };
  if (service === 's3' && !resource.includes('/')) return { kind: 's3', arn, name: resource };
  throw new Error(`${where}: ${arn} is not something Lambda sends records to (an SQS queue, SNS topic, EventBridge event bus, Lambda function or S3 bucket)`);
}

export type SendToDestination = (destination: Destination, record: object) => Promise<void>;

type RecordFields = {
  requestContext?: { functionArn?: string; condition?: string };
  payload?: unknown;
  KinesisBatchInfo?: { shardId: string; streamArn: string };
  DDBStreamBatchInfo?: { shardId: string; streamArn: string };
};

/**
 * Sends an invocation record the way Lambda does for each kind of destination: the record as the SQS
 * message body or the SNS message; as the detail of a `lambda` event on a bus; as the event of an
 * asynchronous invocation of a function (a message into its event queue, see async-consumer.ts); as a
 * JSON object under `aws/lambda/` in a bucket. Rejects when the service refuses it.
 */
export function createDestinationSender(
  clients: LocalClients,
  options: { asyncQueueOf(functionName: string): string | undefined; log(m: string): void },
): SendToDestination {
  const urls = new Map<string, Promise<string>>();
  const queueUrl = (name: string) => {
    if (!urls.has(name)) {
      const lookup = clients.sqs.send(new GetQueueUrlCommand({ QueueName: name })).then((r) => r.QueueUrl!);
      lookup.catch(() => urls.delete(name)); // a failed lookup is tried again, not cached
      urls.set(name, lookup);
    }
    return urls.get(name)!;
  };

  return async function sendToDestination(destination, record) {
    const fields = record as RecordFields;
    // A stream record's payload (the batch's event) goes to S3 only.
    const { payload: _payload, ...withoutPayload } = fields;
    const body = JSON.stringify(destination.kind === 's3' ? record : withoutPayload);
    switch (destination.kind) {
      case 'sqs':
        await clients.sqs.send(new SendMessageCommand({ QueueUrl: await queueUrl(destination.name), MessageBody: body }));
        break;
      case 'sns':
        await clients.sns.send(new PublishCommand({ TopicArn: destination.arn, Message: body }));
        break;
      case 'eventbridge': {
        const success = fields.requestContext?.condition === 'Success';
        const result = await clients.eventbridge.send(
          new PutEventsCommand({
            Entries: [
              {
                Source: 'lambda',
                DetailType: `Lambda Function Invocation Result - ${success ? 'Success' : 'Failure'}`,
                Detail: body,
                Resources: [fields.requestContext?.functionArn ?? '', destination.arn],
                EventBusName: destination.name,
              },
            ],
          }),
        );
        if (result.FailedEntryCount) throw new Error(`EventBridge refused the event: ${result.Entries?.[0]?.ErrorCode} ${result.Entries?.[0]?.ErrorMessage}`);
        break;
      }
      case 'lambda': {
        const queue = options.asyncQueueOf(destination.name);
        if (!queue) throw new Error(`function ${destination.name} has no asynchronous event queue in the local cloud`);
        await clients.sqs.send(new SendMessageCommand({ QueueUrl: await queueUrl(queue), MessageBody: body, MessageAttributes: asIsEventAttribute }));
        break;
      }
      case 's3':
        await clients.s3.send(new PutObjectCommand({ Bucket: destination.name, Key: s3Key(fields), Body: body, ContentType: 'application/json' }));
        break;
    }
    options.log(`record sent to ${KIND_NAMES[destination.kind]} ${destination.name} (${fields.requestContext?.condition ?? 'record'})`);
  };
}

/**
 * Marks a message of a function's event queue whose body is the event itself, as an asynchronous
 * Invoke passes it (not an SNS envelope to unwrap, say).
 */
export const AS_IS_EVENT_ATTRIBUTE = 'LambdaAsyncInvoke';
const asIsEventAttribute = { [AS_IS_EVENT_ATTRIBUTE]: { DataType: 'String', StringValue: 'Event' } };

/**
 * Where Lambda writes a record in a bucket: aws/lambda/async/<function-name>/… for an asynchronous
 * invocation, aws/lambda/<ESM-UUID>/<shardID>/… for a stream batch; then YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>.
 */
export function s3Key(record: RecordFields, now = new Date()): string {
  const iso = now.toISOString();
  const when = `${iso.slice(0, 10).replace(/-/g, '/')}/${iso.slice(0, 19).replace(/:/g, '.')}-${randomUUID()}`;
  const functionArn = record.requestContext?.functionArn ?? '';
  const batch = record.KinesisBatchInfo ?? record.DDBStreamBatchInfo;
  if (batch) return `aws/lambda/${eventSourceMappingUuid(functionArn, batch.streamArn)}/${batch.shardId}/${when}`;
  const functionName = functionArn.split(':')[6] ?? 'unknown';
  return `aws/lambda/async/${functionName}/${when}`;
}
