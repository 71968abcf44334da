import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import type { LocalClients } from './provision/clients';
import { nameFromArn } from './provision/intrinsics';
import type { LocalCloudPlan } from './provision/plan';
import { invoke } from './lambda/invoke';
import { AS_IS_EVENT_ATTRIBUTE } from './lambda/destinations';
import { kinesisSource } from './event-sources/kinesis-poller';
import { dynamodbStreamsSource } from './event-sources/dynamodb-streams-poller';
import type { PolledRecord, StreamSource } from './event-sources/poller';

// The DLQs and on-failure queues, and sending their messages back: one code for `npm run dlq:list`,
// `npm run dlq:redrive` (the plugin's dlq commands) and the console's queue routes.

/** A queue where failed messages end, and where a redrive sends them back to. */
export type FailureQueue =
  | { kind: 'dead-letter'; queue: string; source: string }
  | { kind: 'async-destination'; queue: string; functionKey: string; eventQueue: string }
  | { kind: 'stream-destination'; queue: string; functionKey: string; functionName: string; source: 'kinesis' | 'dynamodb'; stream: string };

/** Every DLQ and SQS on-failure destination the plan declares. */
export function failureQueues(plan: LocalCloudPlan): FailureQueue[] {
  const found: FailureQueue[] = [];
  for (const q of plan.queues) {
    if (!q.attributes.RedrivePolicy) continue;
    found.push({ kind: 'dead-letter', queue: nameFromArn(JSON.parse(q.attributes.RedrivePolicy).deadLetterTargetArn), source: q.name });
  }
  for (const c of plan.asyncConsumers) {
    // A function with several triggers has one consumer per trigger, all on its one event queue.
    if (c.onFailure?.kind !== 'sqs' || found.some((f) => f.kind === 'async-destination' && f.functionKey === c.functionKey)) continue;
    found.push({ kind: 'async-destination', queue: c.onFailure.name, functionKey: c.functionKey, eventQueue: c.queue });
  }
  for (const c of plan.streamConsumers) {
    if (c.onFailure?.kind === 'sqs')
      found.push({
        kind: 'stream-destination',
        queue: c.onFailure.name,
        functionKey: c.functionKey,
        functionName: c.functionName,
        source: c.source,
        stream: c.stream,
      });
  }
  return found;
}

/** The failure queue named `queue`, in full or without the service's prefix (`payments-dlq`). */
export const findFailureQueue = (plan: LocalCloudPlan, queue: string): FailureQueue | undefined =>
  failureQueues(plan).find((t) => t.queue === queue || t.queue.endsWith(`-${queue}`));

const url = async (clients: LocalClients, name: string) => (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;

/** How many messages wait in each failure queue, and what the first few are. */
export async function listFailures(plan: LocalCloudPlan, clients: LocalClients, peek = 3) {
  return Promise.all(
    failureQueues(plan).map(async (target) => {
      const queueUrl = await url(clients, target.queue);
      const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
      const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: peek, VisibilityTimeout: 0 }));
      return { ...target, count: Number(Attributes?.ApproximateNumberOfMessages ?? 0), samples: Messages.map((m) => summarize(m.Body ?? '')) };
    }),
  );
}

/** One line for a failure queue's message: an invocation record's condition and error, or the body itself. */
export function summarize(body: string): string {
  try {
    const record = JSON.parse(body);
    if (record.requestContext?.condition) {
      return `${record.requestContext.condition} after ${record.requestContext.approximateInvokeCount} invocation(s): ${record.responsePayload?.errorMessage ?? 'no error message'}`;
    }
  } catch {
    /* a raw message: show it as it is */
  }
  return body.length > 120 ? `${body.slice(0, 117)}...` : body;
}

/** Sends every message of a failure queue back where it came from; returns how many went back. */
export async function redrive(plan: LocalCloudPlan, clients: LocalClients, queue: string, log: (m: string) => void): Promise<number> {
  const target = findFailureQueue(plan, queue);
  if (!target) throw new Error(`${queue} is not a DLQ or on-failure queue of this service; see \`npm run dlq:list\``);
  const from = await url(clients, target.queue);
  let moved = 0;
  for (;;) {
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: from, MaxNumberOfMessages: 10, VisibilityTimeout: 30, MessageAttributeNames: ['All'] }),
    );
    if (Messages.length === 0) return moved;
    for (const message of Messages) {
      if (await sendBack(plan, target, message, clients, log)) {
        await clients.sqs.send(new DeleteMessageCommand({ QueueUrl: from, ReceiptHandle: message.ReceiptHandle }));
        moved += 1;
      }
    }
  }
}

async function sendBack(plan: LocalCloudPlan, target: FailureQueue, message: Message, clients: LocalClients, log: (m: string) => void): Promise<boolean> {
  if (target.kind === 'dead-letter') {
    await clients.sqs.send(
      new SendMessageCommand({ QueueUrl: await url(clients, target.source), MessageBody: message.Body, MessageAttributes: message.MessageAttributes }),
    );
    return true;
  }
  const record = JSON.parse(message.Body ?? '{}');
  if (target.kind === 'async-destination') {
    // Back into the function's event queue: an SNS event as SNS queued it, any other as the event itself.
    const sns = record.requestPayload?.Records?.[0]?.EventSource === 'aws:sns' ? record.requestPayload.Records[0].Sns : undefined;
    const queued = sns
      ? { MessageBody: JSON.stringify({ ...sns, SigningCertURL: sns.SigningCertUrl, UnsubscribeURL: sns.UnsubscribeUrl }) }
      : { MessageBody: JSON.stringify(record.requestPayload), MessageAttributes: { [AS_IS_EVENT_ATTRIBUTE]: { DataType: 'String', StringValue: 'Event' } } };
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: await url(clients, target.eventQueue), ...queued }));
    return true;
  }
  // A stream destination holds the batch's position, not its records: read them again and invoke.
  const info = record.KinesisBatchInfo ?? record.DDBStreamBatchInfo;
  const source =
    target.source === 'kinesis'
      ? kinesisSource(clients.kinesis, target.stream)
      : dynamodbStreamsSource(clients.dynamodb, clients.dynamodbStreams, target.stream, plan.region);
  const records = await readRange(source, info.streamArn, info.shardId, info.startSequenceNumber, info.endSequenceNumber);
  const result = await invoke(clients.lambda, target.functionName, { Records: records.map((r) => r.lambdaRecord) });
  const failures = result.ok ? ((result.payload as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures ?? []) : ['error'];
  if (failures.length > 0) log(`${target.functionKey} still fails on ${info.startSequenceNumber}..${info.endSequenceNumber}; kept in ${target.queue}`);
  return failures.length === 0;
}

async function readRange(source: StreamSource, streamArn: string, shardId: string, start: string, end: string): Promise<PolledRecord[]> {
  let iterator = await source.iterator(streamArn, shardId, { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: start });
  const records: PolledRecord[] = [];
  while (iterator) {
    const page = await source.read(streamArn, shardId, iterator, 1000);
    for (const r of page.records) {
      if (BigInt(r.sequenceNumber) > BigInt(end)) return records;
      records.push(r);
    }
    if (page.records.length === 0) return records;
    iterator = page.next;
  }
  return records;
}
