import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type AttributeValue,
  type DescribeStreamCommandOutput,
  type DynamoDBStreamsClient,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { StreamConsumerPlan } from '../provision/plan-streams';
import { lambdaApiInvoker } from '../lambda/invoke';
import type { StreamPollerOptions } from './kinesis-poller';
import { MappingConfigurationError, startStreamPoller, type PolledRecord, type Shard, type StreamSource } from './poller';

/** DynamoDB Streams' GetRecords returns at most 1000 records. */
const MAX_PAGE = 1000;

/** Lambda's DynamoDB Streams event source mapping; `plan.stream` is the table's name. */
export function startDynamoDBStreamsPoller(plan: StreamConsumerPlan, options: StreamPollerOptions) {
  const source = dynamodbStreamsSource(options.clients.dynamodb, options.clients.dynamodbStreams, plan.stream, options.region);
  return startStreamPoller(plan, source, { ...options, invoke: options.invoke ?? lambdaApiInvoker(options.clients.lambda) });
}

/**
 * A table's stream, found as the table describes it now (LatestStreamArn): the ARN in serverless.yml
 * carries the label of a deploy, and a table created anew has a stream of a new label.
 */
export function dynamodbStreamsSource(dynamodb: DynamoDBClient, streams: DynamoDBStreamsClient, table: string, region: string): StreamSource {
  return {
    batchInfoKey: 'DDBStreamBatchInfo',
    async describe() {
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: table })).catch((error: Error) => {
        throw error.name === 'ResourceNotFoundException' ? new MappingConfigurationError(`DynamoDB table ${table} does not exist`) : error;
      });
      const streamArn = Table?.LatestStreamArn;
      if (!streamArn || Table?.StreamSpecification?.StreamEnabled === false)
        throw new MappingConfigurationError(`DynamoDB table ${table} has no stream (StreamSpecification.StreamEnabled)`);
      return { streamArn, incarnation: String(Table?.CreationDateTime?.getTime() ?? 0) };
    },
    async shards(streamArn) {
      const shards: Shard[] = [];
      let page: DescribeStreamCommandOutput | undefined;
      do {
        const after = page?.StreamDescription?.LastEvaluatedShardId;
        page = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ...(after ? { ExclusiveStartShardId: after } : {}) }));
        for (const shard of page.StreamDescription?.Shards ?? []) shards.push({ id: shard.ShardId!, parentId: shard.ParentShardId });
      } while (page.StreamDescription?.LastEvaluatedShardId);
      return shards;
    },
    async iterator(streamArn, shardId, position) {
      if (position.type === 'AT_TIMESTAMP') throw new MappingConfigurationError('DynamoDB Streams have no AT_TIMESTAMP starting position');
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: position.type,
          ...('sequenceNumber' in position ? { SequenceNumber: position.sequenceNumber } : {}),
        }),
      );
      return ShardIterator;
    },
    async read(streamArn, _shardId, iterator, limit) {
      const pageLimit = Math.min(limit, MAX_PAGE);
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: pageLimit }));
      const records = (page.Records ?? []).map((record) => polledDynamoDBRecord(streamArn, region, record));
      // No MillisBehindLatest here: a short page is taken as the tip (at worst one idle pause early).
      return { records, next: page.NextShardIterator, atTip: records.length < pageLimit };
    },
  };
}

function polledDynamoDBRecord(streamArn: string, region: string, record: _Record): PolledRecord {
  const lambdaRecord = dynamodbRecord(streamArn, region, record);
  return {
    sequenceNumber: record.dynamodb!.SequenceNumber!,
    arrivedAt: record.dynamodb?.ApproximateCreationDateTime?.getTime() ?? Date.now(),
    // One item's changes stay in order.
    partitionKey: JSON.stringify(lambdaRecord.dynamodb.Keys ?? {}),
    lambdaRecord,
  };
}

/** One record of the event Lambda hands a DynamoDB Streams consumer (binary attributes in base64). */
export function dynamodbRecord(streamArn: string, region: string, record: _Record) {
  const change = record.dynamodb ?? {};
  const defined = <T extends object>(object: T) => Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as Partial<T>;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb' as const,
    awsRegion: record.awsRegion ?? region,
    dynamodb: defined({
      ApproximateCreationDateTime: change.ApproximateCreationDateTime ? change.ApproximateCreationDateTime.getTime() / 1000 : undefined,
      Keys: change.Keys && image(change.Keys),
      NewImage: change.NewImage && image(change.NewImage),
      OldImage: change.OldImage && image(change.OldImage),
      SequenceNumber: change.SequenceNumber,
      SizeBytes: change.SizeBytes,
      StreamViewType: change.StreamViewType,
    }),
    eventSourceARN: streamArn,
    // TTL deletions say who deleted the item.
    ...(record.userIdentity ? { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } } : {}),
  };
}

const image = (item: Record<string, AttributeValue>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, attribute(value)]));

/** An attribute value as JSON carries it: the SDK's Uint8Array binaries become base64 strings. */
function attribute(value: AttributeValue): unknown {
  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: image(value.M) };
  if (value.L !== undefined) return { L: value.L.map(attribute) };
  return value;
}
