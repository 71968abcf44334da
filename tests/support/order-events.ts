import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';

export type Published = {
  topicArn: string;
  message: Record<string, unknown>;
  attributes: Record<string, string | undefined>;
};

/** An entry put on the integration bus. */
export type PutEvent = { busName: string; source: string; detailType: string; detail: Record<string, unknown> };

/**
 * Stubs SNS, Kinesis and EventBridge for every client of the test's module registry and reads back
 * what lib/aws/order-events.ts published. Call it before importing the module under test or after:
 * the stub replaces the clients' prototype `send`.
 */
export function stubOrderEventPublishing() {
  const sns = mockClient(SNSClient);
  const kinesis = mockClient(KinesisClient);
  const eventBridge = mockClient(EventBridgeClient);
  const install = () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e' }] });
    sns.on(PublishCommand).resolves({ MessageId: 'f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f' });
    kinesis.on(PutRecordCommand).resolves({ ShardId: 'shardId-000000000000', SequenceNumber: '49663483984374210923874738623953187968262839810000000001' });
  };
  install();
  return {
    sns,
    kinesis,
    eventBridge,
    /** Forgets what was published (and any failure a test installed), keeping the stubs. */
    reset(): void {
      sns.reset();
      kinesis.reset();
      eventBridge.reset();
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
    putEvents(): PutEvent[] {
      return eventBridge.commandCalls(PutEventsCommand).flatMap(({ args: [command] }) =>
        (command.input.Entries ?? []).map((entry) => ({
          busName: entry.EventBusName ?? '',
          source: entry.Source ?? '',
          detailType: entry.DetailType ?? '',
          detail: JSON.parse(entry.Detail ?? 'null'),
        })),
      );
    },
    /** Every call made to SNS, Kinesis and EventBridge. */
    calls(): number {
      return sns.calls().length + kinesis.calls().length + eventBridge.calls().length;
    },
    restore(): void {
      sns.restore();
      kinesis.restore();
      eventBridge.restore();
    },
  };
}

export type PublishingStub = ReturnType<typeof stubOrderEventPublishing>;
