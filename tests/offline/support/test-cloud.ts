import './quiet-sdk';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startEmbedded, type EmbeddedOptions } from '../../../offline/cloud/emulators/embedded';
import { createWakeSignal } from '../../../offline/cloud/event-sources/wake-signal';
import { sleep } from './eventually';
import { freePorts } from './ports';

export const REGION = 'us-east-1';
export const ACCOUNT_ID = '000000000000';
export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export type TestCloud = Awaited<ReturnType<typeof startTestCloud>>;

/**
 * The embedded local cloud on free ports, with SDK clients of the test's own (configured the way
 * any AWS SDK user would point at it, independent of offline/cloud/provision/clients.ts).
 */
export async function startTestCloud(log: (message: string) => void = () => undefined, extra: Pick<EmbeddedOptions, 'observer'> = {}) {
  const [sqsPort, edgePort] = await freePorts(2);
  const streamWrites = createWakeSignal();
  const emulators = await startEmbedded({
    region: REGION,
    accountId: ACCOUNT_ID,
    sqsPort,
    edgePort,
    accessKeyId: CREDENTIALS.accessKeyId,
    log,
    onStreamWrite: streamWrites.notify,
    // EventBridge's retries, in milliseconds rather than its backoff of seconds to minutes.
    eventBridgeRetryDelayMs: () => 20,
    ...extra,
  });
  const edge = `http://127.0.0.1:${edgePort}`;
  const sqsEndpoint = `http://127.0.0.1:${sqsPort}`;
  const common = { region: REGION, credentials: CREDENTIALS };
  const sdk = {
    sqs: new SQSClient({ ...common, endpoint: sqsEndpoint }),
    sns: new SNSClient({ ...common, endpoint: edge }),
    s3: new S3Client({ ...common, endpoint: edge, forcePathStyle: true }),
    dynamodb: new DynamoDBClient({ ...common, endpoint: edge }),
    kinesis: new KinesisClient({ ...common, endpoint: edge, requestHandler: new NodeHttpHandler() }),
    eventbridge: new EventBridgeClient({ ...common, endpoint: edge }),
  };
  return {
    sqsPort,
    edgePort,
    edge,
    sqsEndpoint,
    sdk,
    /** Notified by the embedded Kinesis after each PutRecord(s). */
    streamWrites,
    queueUrl: (name: string) => `${sqsEndpoint}/${ACCOUNT_ID}/${name}`,
    queueArn: (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${name}`,
    async createQueue(name: string, attributes?: Record<string, string>): Promise<string> {
      const { QueueUrl } = await sdk.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
      return QueueUrl!;
    },
    /** Receives (and deletes) messages until `count` arrived; fails at the deadline saying how many did. */
    async receive(queueUrl: string, count: number, timeoutMs = 5000): Promise<Message[]> {
      const received: Message[] = [];
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${received.length} of ${count} messages arrived in ${queueUrl}`);
        const batch = await receiveOnce(sdk.sqs, queueUrl);
        received.push(...batch);
        if (batch.length === 0) await sleep(20);
      }
      return received;
    },
    /** What is in the queue right now (deleted as it is read). */
    async drain(queueUrl: string): Promise<Message[]> {
      const received: Message[] = [];
      for (let batch = await receiveOnce(sdk.sqs, queueUrl); batch.length > 0; batch = await receiveOnce(sdk.sqs, queueUrl)) received.push(...batch);
      return received;
    },
    async stop(): Promise<void> {
      for (const client of Object.values(sdk)) client.destroy();
      await emulators.stop();
    },
  };
}

async function receiveOnce(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }),
  );
  for (const message of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
  return Messages;
}
