import { DeleteMessageCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-kinesis';
import type { LocalClients } from '../cloud/provision/clients';
import { nameFromArn } from '../cloud/provision/intrinsics';
import type { AsyncConsumerPlan, LocalCloudPlan } from '../cloud/provision/plan';
import { invoke } from '../cloud/lambda/invoke';
import { kinesisEvent } from '../cloud/event-sources/stream-consumer';

/** A queue where failed messages end, and where a redrive sends them back to. */
export type FailureQueue =
  | { kind: 'dead-letter'; queue: string; source: string }
  | { kind: 'async-destination'; queue: string; functionKey: string; eventQueue: string; source: AsyncConsumerPlan['source'] }
  | { kind: 'stream-destination'; queue: string; functionKey: string; functionName: string; stream: string };

/** Every DLQ and on-failure destination the plan declares. */
export function failureQueues(plan: LocalCloudPlan): FailureQueue[] {
  const found: FailureQueue[] = [];
  for (const q of plan.queues) {
    if (!q.attributes.RedrivePolicy) continue;
    found.push({ kind: 'dead-letter', queue: nameFromArn(JSON.parse(q.attributes.RedrivePolicy).deadLetterTargetArn), source: q.name });
  }
  for (const c of plan.asyncConsumers) {
    if (c.onFailureQueue) found.push({ kind: 'async-destination', queue: c.onFailureQueue, functionKey: c.functionKey, eventQueue: c.queue, source: c.source });
  }
  for (const c of plan.streamConsumers) {
    if (c.onFailureQueue) found.push({ kind: 'stream-destination', queue: c.onFailureQueue, functionKey: c.functionKey, functionName: c.functionName, stream: c.stream });
  }
  return found;
}

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

function summarize(body: string): string {
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
  const target = failureQueues(plan).find((t) => t.queue === queue || t.queue.endsWith(`-${queue}`));
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
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: await url(clients, target.source), MessageBody: message.Body, MessageAttributes: message.MessageAttributes }));
    return true;
  }
  const record = JSON.parse(message.Body ?? '{}');
  if (target.kind === 'async-destination') {
    // Back into the function's event queue, in the form SNS or S3 queued it first.
    const sns = record.requestPayload?.Records?.[0]?.Sns;
    const body = target.source === 'sns' && sns ? JSON.stringify({ ...sns, SigningCertURL: sns.SigningCertUrl, UnsubscribeURL: sns.UnsubscribeUrl }) : JSON.stringify(record.requestPayload);
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: await url(clients, target.eventQueue), MessageBody: body }));
    return true;
  }
  // A stream destination holds the batch's position, not its records: read them again and invoke.
  const info = record.KinesisBatchInfo;
  const records = await readRange(clients, target.stream, info.shardId, info.startSequenceNumber, info.endSequenceNumber);
  const result = await invoke(clients.lambda, target.functionName, kinesisEvent(info.streamArn, info.shardId, plan.region, records));
  const failures = result.ok ? (result.payload as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures ?? [] : ['error'];
  if (failures.length > 0) log(`${target.functionKey} still fails on ${info.startSequenceNumber}..${info.endSequenceNumber}; kept in ${target.queue}`);
  return failures.length === 0;
}

async function readRange(clients: LocalClients, stream: string, shardId: string, start: string, end: string): Promise<_Record[]> {
  let { ShardIterator: iterator } = await clients.kinesis.send(
    new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: start }),
  );
  const records: _Record[] = [];
  while (iterator) {
    const page = await clients.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    for (const r of page.Records ?? []) {
      if (BigInt(r.SequenceNumber!) > BigInt(end)) return records;
      records.push(r);
    }
    if ((page.Records ?? []).length === 0) return records;
    iterator = page.NextShardIterator;
  }
  return records;
}
