import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';

export type Published = {
  topicArn: string;
  message: Record<string, unknown>;
  attributes: Record<string, string | undefined>;
};

/**
 * Stubs SNS and Kinesis for every client of the test's module registry and reads back what
 * lib/aws/order-events.ts published. Call it before importing the module under test or after:
 * the stub replaces the clients' prototype `send`.
 */
export function stubOrderEventPublishing() {
  const sns = mockClient(SNSClient);
  const kinesis = mockClient(KinesisClient);
  const install = () => {
    sns.on(PublishCommand).resolves({ MessageId: 'f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f' });
    kinesis.on(PutRecordCommand).resolves({ ShardId: 'shardId-000000000000', SequenceNumber: '49663483984374210923874738623953187968262839810000000001' });
  };
  install();
  return {
    sns,
    kinesis,
    /** Forgets what was published (and any failure a test installed), keeping the stubs. */
    reset(): void {
      sns.reset();
      kinesis.reset();
      install();
    },
    published(): Published[] {
      return sns.commandCalls(PublishCommand).map(({ args: [command] }) => ({
        topicArn: command.input.TopicArn ?? '',
        message: JSON.parse(command.input.Message ?? 'null'),
        attributes: Object.fromEntries(Object.entries(command.input.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue])),
      }));
    },
    publishedTypes(): unknown[] {
      return this.published().map((entry) => entry.message.eventType);
    },
    streamed(): { streamName: string; partitionKey: string; data: Record<string, unknown> }[] {
      return kinesis.commandCalls(PutRecordCommand).map(({ args: [command] }) => ({
        streamName: command.input.StreamName ?? '',
        partitionKey: command.input.PartitionKey ?? '',
        data: JSON.parse(Buffer.from(command.input.Data ?? new Uint8Array()).toString('utf8')),
      }));
    },
    restore(): void {
      sns.restore();
      kinesis.restore();
    },
  };
}

export type PublishingStub = ReturnType<typeof stubOrderEventPublishing>;
