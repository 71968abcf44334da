// Run by persistence.test.ts in a process of its own, which it kills with SIGKILL once this prints "done".
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startEmbedded } from '../../../../offline/cloud/emulators/embedded';
import { freePorts } from '../../support/ports';

async function main(stateDir: string) {
  const [sqsPort, edgePort] = await freePorts(2);
  const emulators = await startEmbedded({
    region: 'us-east-1',
    accountId: '000000000000',
    sqsPort,
    edgePort,
    accessKeyId: 'test',
    log: () => undefined,
    stateDir,
  });
  const sqs = new SQSClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${sqsPort}`, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'crash' }));
  emulators.restoreQueues();
  for (let i = 0; i < 200; i += 1) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: String(i) }));
  // Receive everything (in flight for 60 s), delete the even ones, hand back all the odd ones but 1 and 3.
  const handBack: string[] = [];
  for (let received = 0; received < 200;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
    received += Messages.length;
    for (const message of Messages) {
      const n = Number(message.Body);
      if (n % 2 === 0) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
      else if (n !== 1 && n !== 3) handBack.push(message.ReceiptHandle!);
    }
  }
  for (const ReceiptHandle of handBack) await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle, VisibilityTimeout: 0 }));
  process.stdout.write('done\n');
  setInterval(() => undefined, 1000);
}

void main(process.argv[2]);
