import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ListTopicsCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';

/**
 * Tells when each order's OrderConfirmed event is published, from a queue of the bench's own
 * subscribed to the order-events topic: reserveInventory publishes it right after storing the
 * CONFIRMED status, so the bench learns of it without polling GET /orders (each poll would cost the
 * local cloud an authorizer and a getOrder invocation, and skew what is measured).
 */
export async function watchConfirmations(endpoints: { sqs: string; edge: string }) {
  const common = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const sqs = new SQSClient({ ...common, endpoint: endpoints.sqs });
  const sns = new SNSClient({ ...common, endpoint: endpoints.edge });
  const { Topics = [] } = await sns.send(new ListTopicsCommand({}));
  const topicArn = Topics.map((t) => t.TopicArn!).find((arn) => arn.endsWith('-order-events'));
  if (!topicArn) throw new Error('The order-events topic does not exist');
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `bench-confirmed-${Date.now()}` }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: Attributes!.QueueArn,
      Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ eventType: ['OrderConfirmed'] }) },
    }),
  );

  const confirmedAt = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  let stopped = false;
  const receiving = (async () => {
    while (!stopped) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      const at = performance.now();
      for (const message of Messages) {
        const { orderId } = JSON.parse(message.Body!) as { orderId: string };
        if (confirmedAt.has(orderId)) continue; // a redelivery publishes the outcome again
        confirmedAt.set(orderId, at);
        waiters.get(orderId)?.(at);
      }
      if (Messages.length > 0) {
        await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
      }
    }
  })();

  return {
    /** When the order's OrderConfirmed arrived (performance.now()), or undefined after the timeout. */
    confirmed(orderId: string, timeoutMs: number): Promise<number | undefined> {
      const known = confirmedAt.get(orderId);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(orderId);
          resolve(undefined);
        }, timeoutMs);
        waiters.set(orderId, (at) => {
          clearTimeout(timer);
          waiters.delete(orderId);
          resolve(at);
        });
      });
    },
    async stop() {
      stopped = true;
      await receiving.catch(() => undefined);
      sqs.destroy();
      sns.destroy();
    },
  };
}
