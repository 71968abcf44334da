import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { LocalClients } from './provision/clients';
import { nameFromArn } from './provision/intrinsics';
import type { LocalCloudPlan } from './provision/plan';

/** Queues that SNS subscriptions, S3 notifications and EventBridge targets (dead-letter queues too) deliver into. */
export const deliveryQueues = (plan: LocalCloudPlan) => [
  ...new Set([
    ...plan.subscriptions.map((s) => s.queue),
    ...plan.notifications.map((n) => n.queue),
    ...plan.eventRules.flatMap((rule) =>
      rule.targets
        .flatMap((t) => [t.arn, t.deadLetterArn ?? ''])
        .filter((arn) => arn.startsWith('arn:aws:sqs:'))
        .map(nameFromArn),
    ),
  ]),
];

/**
 * Docker mode only. LocalStack's SNS, S3 and EventBridge can deliver only to LocalStack's own SQS, while the
 * queues live in ElasticMQ (9324), as they do in the embedded mode. So each delivery queue gets a
 * twin of the same name in LocalStack, and this bridge moves what arrives there to ElasticMQ,
 * message attributes included. The embedded SNS, S3 and EventBridge deliver to 9324 directly and need no bridge.
 */
export async function createDeliveryTwins(plan: LocalCloudPlan, clients: LocalClients): Promise<void> {
  for (const name of deliveryQueues(plan)) {
    await clients.edgeSqs.send(new CreateQueueCommand({ QueueName: name })).catch((error: Error) => {
      throw new Error(`Could not create queue ${name} in LocalStack: ${error.message}`, { cause: error });
    });
  }
}

export function startQueueBridge(plan: LocalCloudPlan, clients: LocalClients, log: (m: string) => void) {
  const abort = new AbortController();
  const forward = async (name: string) => {
    const from = (await clients.edgeSqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
    const to = (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
    while (!abort.signal.aborted) {
      try {
        const { Messages = [] } = await clients.edgeSqs.send(
          new ReceiveMessageCommand({ QueueUrl: from, MaxNumberOfMessages: 10, WaitTimeSeconds: 20, MessageAttributeNames: ['All'] }),
          { abortSignal: abort.signal },
        );
        if (Messages.length === 0) continue;
        const entries = Messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body!, MessageAttributes: m.MessageAttributes }));
        await clients.sqs.send(new SendMessageBatchCommand({ QueueUrl: to, Entries: entries }));
        await clients.edgeSqs.send(
          new DeleteMessageBatchCommand({ QueueUrl: from, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
        );
      } catch (error) {
        if (abort.signal.aborted) return;
        log(`queue bridge ${name}: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  const running = deliveryQueues(plan).map(forward);
  return {
    async stop() {
      abort.abort();
      await Promise.allSettled(running);
    },
  };
}
