import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { queueUrl, sqs } from './aws';
import { sleep } from './pool';

/** Messages waiting in a queue, and messages received but not yet deleted (in flight). */
export async function queueDepth(name: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl(name), AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(Attributes.ApproximateNumberOfMessages ?? 0), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) };
}

/** Waits until every queue is empty, nothing in flight, on two reads a second apart (a consumer may be about to send more). */
export async function waitUntilIdle(names: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietReads = 0;
  let last: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    const depths = await Promise.all(names.map(async (name) => [name, await queueDepth(name)] as const));
    last = Object.fromEntries(depths);
    quietReads = depths.every(([, d]) => d.visible === 0 && d.inFlight === 0) ? quietReads + 1 : 0;
    if (quietReads >= 2) return;
    await sleep(1000);
  }
  throw new Error(`Queues still busy after ${timeoutMs} ms: ${JSON.stringify(last)}`);
}

/**
 * Drains our own messages from a queue that others may share: receives everything, deletes only the
 * messages `keysOf` recognises (returning the keys they carry), leaves the rest to reappear, and stops
 * once every expected key was seen or the deadline passed. Returns each key's message body.
 */
export async function drainOwnMessages(name: string, keysOf: (body: string) => string[], expected: string[], timeoutMs: number): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !expected.every((key) => found.has(key))) {
    // No long poll: the embedded SQS answers a long poll only once MaxNumberOfMessages messages are there.
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl(name), MaxNumberOfMessages: 10, VisibilityTimeout: 30, WaitTimeSeconds: 0 }),
    );
    for (const message of Messages) {
      const keys = keysOf(message.Body ?? '');
      if (keys.length === 0) continue;
      for (const key of keys) found.set(key, message.Body ?? '');
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl(name), ReceiptHandle: message.ReceiptHandle }));
    }
    if (Messages.length === 0) await sleep(250);
  }
  return found;
}
