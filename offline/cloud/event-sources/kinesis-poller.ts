import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type KinesisClient,
  type ListShardsCommandOutput,
  type _Record,
} from '@aws-sdk/client-kinesis';
import type { LocalClients } from '../provision/clients';
import type { StreamConsumerPlan } from '../provision/plan-streams';
import { lambdaApiInvoker, type Invoker } from '../lambda/invoke';
import { MappingConfigurationError, startStreamPoller, type PolledRecord, type PollerOptions, type Shard, type StreamSource } from './poller';

export type StreamPollerOptions = Omit<PollerOptions, 'invoke'> & {
  clients: LocalClients;
  /** How the function is invoked; by default through the Lambda API of `clients.lambda`. */
  invoke?: Invoker;
};

/** Lambda's Kinesis event source mapping. */
export function startKinesisPoller(plan: StreamConsumerPlan, options: StreamPollerOptions) {
  return startStreamPoller(plan, kinesisSource(options.clients.kinesis, plan.stream), {
    ...options,
    invoke: options.invoke ?? lambdaApiInvoker(options.clients.lambda),
  });
}

/** A Kinesis stream's shards, read with GetRecords (an enhanced fan-out consumer gets the same records). */
export function kinesisSource(kinesis: KinesisClient, streamName: string): StreamSource {
  return {
    batchInfoKey: 'KinesisBatchInfo',
    async describe() {
      const { StreamDescriptionSummary: summary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName })).catch((error: Error) => {
        throw error.name === 'ResourceNotFoundException' ? new MappingConfigurationError(`Kinesis stream ${streamName} does not exist`) : error;
      });
      // A stream created anew under the same name is another stream: its creation time keeps checkpoints apart.
      return { streamArn: summary!.StreamARN!, incarnation: String(summary!.StreamCreationTimestamp?.getTime() ?? 0) };
    },
    async shards() {
      const shards: Shard[] = [];
      let page: ListShardsCommandOutput | undefined;
      do {
        page = await kinesis.send(new ListShardsCommand(page?.NextToken ? { NextToken: page.NextToken } : { StreamName: streamName }));
        for (const shard of page.Shards ?? []) shards.push({ id: shard.ShardId!, parentId: shard.ParentShardId });
      } while (page.NextToken);
      return shards;
    },
    async iterator(_streamArn, shardId, position) {
      const { ShardIterator } = await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shardId,
          ShardIteratorType: position.type,
          ...('sequenceNumber' in position ? { StartingSequenceNumber: position.sequenceNumber } : {}),
          ...('timestamp' in position ? { Timestamp: position.timestamp } : {}),
        }),
      );
      return ShardIterator;
    },
    async read(streamArn, shardId, iterator, limit) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
      const records = (page.Records ?? []).map((record) => polledKinesisRecord(streamArn, shardId, record));
      return { records, next: page.NextShardIterator, atTip: records.length === 0 || (records.length < limit && page.MillisBehindLatest === 0) };
    },
  };
}

function polledKinesisRecord(streamArn: string, shardId: string, record: _Record): PolledRecord {
  return {
    sequenceNumber: record.SequenceNumber!,
    arrivedAt: record.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
    partitionKey: record.PartitionKey ?? '',
    lambdaRecord: kinesisRecord(streamArn, shardId, record),
  };
}

/** One record of the event Lambda hands a Kinesis consumer. */
export function kinesisRecord(streamArn: string, shardId: string, record: _Record) {
  const [, , , region, accountId] = streamArn.split(':');
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey,
      sequenceNumber: record.SequenceNumber,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${record.SequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: `arn:aws:iam::${accountId}:role/local`,
    awsRegion: region,
    eventSourceARN: streamArn,
  };
}

/** The event Lambda hands a Kinesis consumer. */
export function kinesisEvent(streamArn: string, shardId: string, records: _Record[]) {
  return { Records: records.map((record) => kinesisRecord(streamArn, shardId, record)) };
}
