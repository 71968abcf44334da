import type { IncomingMessage, ServerResponse } from 'node:http';
import { isStreamEnabled, parseSequenceNumber, formatSequenceNumber, type Stream, type StreamStore, type StreamTable } from './dynamodb-stream-store';
import { readBody } from './read-body';

/**
 * The label of every table stream in the embedded cloud (DynamoDB's is the stream's creation time):
 * fixed, so that `Fn::GetAtt <Table>.StreamArn` resolves before the table exists to the ARN
 * DescribeTable will give. LocalStack's labels are times, which is why consumers look a stream up
 * by its table (DescribeTable's LatestStreamArn) rather than trust a label.
 */
export const EMBEDDED_STREAM_LABEL = '1970-01-01T00:00:00.000';

/** The tables as DynamoDB describes them (the embedded cloud asks its own DynamoDB through the SDK). */
export type TableLookup = {
  list(): Promise<string[]>;
  describe(tableName: string): Promise<StreamTable | undefined>;
};

/** Shard iterators expire 15 minutes after they were issued, as in DynamoDB Streams. */
const ITERATOR_TTL_MS = 15 * 60 * 1000;
const TARGET = /^DynamoDBStreams_20120810\.(\w+)$/;

class StreamsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const notFound = (what: string) => new StreamsError('ResourceNotFoundException', `Requested resource not found: ${what}`);
const invalid = (message: string) => new StreamsError('ValidationException', message);

/** Whether a request is for DynamoDB Streams (the SDK signs those with service `dynamodb`, as DynamoDB's). */
export const isStreamsRequest = (req: IncomingMessage): boolean => TARGET.test(String(req.headers['x-amz-target'] ?? ''));

/**
 * The DynamoDB Streams API (ListStreams, DescribeStream, GetShardIterator, GetRecords) over the
 * records of `store`, as a request handler for the edge port.
 */
export function createDynamoDbStreamsApi(store: StreamStore, tables: TableLookup) {
  /** The live stream of a stream ARN: its table must exist and still have that stream. */
  async function liveStream(arn: unknown): Promise<Stream> {
    if (typeof arn !== 'string' || !/^arn:aws[\w-]*:dynamodb:[^:]*:\d*:table\/[^/]+\/stream\/.+$/.test(arn)) throw invalid(`Invalid StreamArn: ${String(arn)}`);
    const table = await tables.describe(arn.split('/')[1]);
    const stream = table && table.LatestStreamArn === arn ? store.streamOf(table) : undefined;
    if (!stream) throw notFound(`Stream: ${arn} not found`);
    return stream;
  }

  const operations: Record<string, (input: Record<string, unknown>) => Promise<unknown>> = {
    async ListStreams(input) {
      const limit = limitOf(input.Limit, 100);
      const names = typeof input.TableName === 'string' ? [input.TableName] : await tables.list();
      const streams: { StreamArn: string; TableName: string; StreamLabel: string }[] = [];
      for (const name of names) {
        const table = await tables.describe(name);
        if (table && isStreamEnabled(table))
          streams.push({ StreamArn: table.LatestStreamArn!, TableName: table.TableName, StreamLabel: table.LatestStreamLabel! });
      }
      const start = typeof input.ExclusiveStartStreamArn === 'string' ? streams.findIndex((s) => s.StreamArn === input.ExclusiveStartStreamArn) + 1 : 0;
      const page = streams.slice(start, start + limit);
      const more = start + limit < streams.length;
      return { Streams: page, ...(more && { LastEvaluatedStreamArn: page[page.length - 1].StreamArn }) };
    },

    async DescribeStream(input) {
      const stream = await liveStream(input.StreamArn);
      const limit = limitOf(input.Limit, 100);
      const shards =
        input.ExclusiveStartShardId === stream.shardId || limit < 1
          ? []
          : [{ ShardId: stream.shardId, SequenceNumberRange: { StartingSequenceNumber: formatSequenceNumber(stream.startSeq) } }];
      return {
        StreamDescription: {
          StreamArn: stream.arn,
          StreamLabel: stream.label,
          StreamStatus: 'ENABLED',
          StreamViewType: stream.viewType,
          CreationRequestDateTime: stream.createdAt / 1000,
          TableName: stream.tableName,
          KeySchema: stream.keySchema,
          Shards: shards,
        },
      };
    },

    async GetShardIterator(input) {
      const stream = await liveStream(input.StreamArn);
      if (input.ShardId !== stream.shardId) throw notFound(`Shard: ${String(input.ShardId)} in Stream: ${stream.arn} not found`);
      store.trim(stream);
      const type = input.ShardIteratorType;
      let position: number;
      if (type === 'TRIM_HORIZON') position = stream.trimmedThrough;
      else if (type === 'LATEST') position = stream.lastSeq;
      else if (type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER') {
        if (input.SequenceNumber === undefined) throw invalid(`SequenceNumber is required for ShardIteratorType ${type}`);
        const seq = parseSequenceNumber(input.SequenceNumber);
        if (seq === undefined || seq < stream.startSeq || seq > stream.lastSeq)
          throw invalid(`Invalid SequenceNumber ${JSON.stringify(input.SequenceNumber)} for shard ${stream.shardId}`);
        if (seq <= stream.trimmedThrough) throw trimmed(stream);
        position = type === 'AT_SEQUENCE_NUMBER' ? seq - 1 : seq;
      } else
        throw invalid(
          `Value '${String(type)}' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_SEQUENCE_NUMBER, TRIM_HORIZON]`,
        );
      return { ShardIterator: iteratorOf(stream, position, store.now()) };
    },

    async GetRecords(input) {
      const limit = limitOf(input.Limit, 1000);
      const iterator = parseIterator(input.ShardIterator);
      if (store.now() - iterator.issuedAt > ITERATOR_TTL_MS)
        throw new StreamsError('ExpiredIteratorException', 'Iterator expired. The iterator was created more than 15 minutes ago.');
      const stream = store.find(iterator.arn);
      if (!stream) throw notFound(`Stream: ${iterator.arn} not found`);
      // Its table was deleted and created again (same ARN here, a new one in AWS): the old stream is gone.
      if (stream.tableId !== iterator.tableId)
        throw new StreamsError('ExpiredIteratorException', 'Iterator expired: the stream it was issued for no longer exists.');
      store.trim(stream);
      if (iterator.position < stream.trimmedThrough) throw trimmed(stream);
      const records = store.recordsAfter(stream, iterator.position, limit);
      const next = records.length > 0 ? parseSequenceNumber(records[records.length - 1].dynamodb.SequenceNumber)! : iterator.position;
      return { Records: records, NextShardIterator: iteratorOf(stream, next, store.now()) };
    },
  };

  return async function dynamoDbStreamsRoute(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const operation = TARGET.exec(String(req.headers['x-amz-target'] ?? ''))?.[1] ?? '';
    try {
      const handler = operations[operation];
      if (!handler) throw new StreamsError('UnknownOperationException', `The embedded DynamoDB Streams does not answer ${operation}`);
      let input: Record<string, unknown>;
      try {
        input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      } catch {
        throw new StreamsError('SerializationException', 'The request body is not JSON');
      }
      send(res, 200, await handler(input));
    } catch (error) {
      if (!(error instanceof StreamsError)) throw error;
      send(res, 400, { __type: `com.amazonaws.dynamodb.v20120810#${error.type}`, message: error.message });
    }
  };
}

const trimmed = (stream: Stream) =>
  new StreamsError(
    'TrimmedDataAccessException',
    `The requested data in shard ${stream.shardId} was trimmed: it is older than the stream keeps (24 hours) or was dropped to bound its memory.`,
  );

function limitOf(value: unknown, max: number): number {
  if (value === undefined) return max;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max)
    throw invalid(
      `1 validation error detected: Value '${JSON.stringify(value)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${max}`,
    );
  return value;
}

/** An iterator names its stream (and the table instance it belonged to), the sequence number it reads after and when it was issued. */
const iteratorOf = (stream: Stream, position: number, issuedAt: number): string => [stream.arn, stream.tableId, position, issuedAt].join('|');

function parseIterator(text: unknown): { arn: string; tableId: string; position: number; issuedAt: number } {
  const parts = typeof text === 'string' ? text.split('|') : [];
  const [arn, tableId, position, issuedAt] = parts;
  if (parts.length !== 4 || !/^\d+$/.test(position) || !/^\d+$/.test(issuedAt)) throw invalid(`Invalid ShardIterator: ${String(text)}`);
  return { arn, tableId, position: Number(position), issuedAt: Number(issuedAt) };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
