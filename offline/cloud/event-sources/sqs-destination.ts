import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { LocalClients } from '../provision/clients';
import type { SendToDestination } from './poller';

/**
 * Sends a stream mapping's on-failure records to an SQS queue, the one kind the local cloud delivers
 * to before lambda/destinations.ts (createDestinationSender) takes over; other kinds are said, not sent.
 */
export function sqsDestinationSender(clients: Pick<LocalClients, 'sqs'>, log: (message: string) => void): SendToDestination {
  return async function sendToSqsDestination(destination, record) {
    if (destination.kind !== 'sqs') {
      log(`on-failure record for ${destination.arn} not sent: only SQS destinations are delivered by this local cloud`);
      return;
    }
    const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: destination.name }));
    await clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(record) }));
  };
}
