import '../../support/quiet-sdk';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, type StreamViewType } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  type _Record,
  type GetRecordsCommandOutput,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ACCOUNT_ID, CREDENTIALS, REGION, startTestCloud, type TestCloud } from '../../support/test-cloud';
import { startEmbedded } from '../../../../offline/cloud/emulators/embedded';
import { freePorts } from '../../support/ports';

/**
 * The embedded DynamoDB keeps a stream for a table created with one (dynalite reports each committed
 * write through the hook our patch adds; the records and the Streams API are ours), and the edge port
 * answers the DynamoDB Streams API the SDK's own client speaks.
 */
describe('embedded DynamoDB Streams', () => {
  let cloud: TestCloud;
  let doc: DynamoDBDocumentClient;
  let streams: DynamoDBStreamsClient;
  const run = Date.now();
  const name = (suffix: string) => `streams-${run}-${suffix}`;
  const Plain = name('plain');
  const Items = name('items'); // NEW_AND_OLD_IMAGES, the table most cases write to
  let n = 0;
  /** A partition key of this test's own, so tests never see each other's items. */
  const unique = (prefix: string) => `${prefix}-${++n}`;

  async function createTable(TableName: string, viewType?: StreamViewType) {
    const { TableDescription } = await cloud.sdk.dynamodb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        StreamSpecification: viewType ? { StreamEnabled: true, StreamViewType: viewType } : undefined,
      }),
    );
    return TableDescription!;
  }

  const streamArnOf = (table: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${table}/stream/1970-01-01T00:00:00.000`;

  async function shardOf(StreamArn: string): Promise<string> {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn }));
    return StreamDescription!.Shards![0].ShardId!;
  }

  async function iterator(table: string, ShardIteratorType: ShardIteratorType, SequenceNumber?: string): Promise<string> {
    const StreamArn = streamArnOf(table);
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({ StreamArn, ShardId: await shardOf(StreamArn), ShardIteratorType, SequenceNumber }),
    );
    return ShardIterator!;
  }

  /** Reads from `start` to the tip of the shard, page by page. */
  async function readAll(start: string, Limit?: number): Promise<_Record[]> {
    const records: _Record[] = [];
    for (let ShardIterator: string | undefined = start; ShardIterator;) {
      const page: GetRecordsCommandOutput = await streams.send(new GetRecordsCommand({ ShardIterator, Limit }));
      records.push(...page.Records!);
      if (page.Records!.length === 0) break;
      ShardIterator = page.NextShardIterator;
    }
    return records;
  }

  /** The records the writes in `act` added to the stream of `table`. */
  async function recordsOf(table: string, act: () => Promise<unknown>): Promise<_Record[]> {
    const from = await iterator(table, 'LATEST');
    await act();
    return readAll(from);
  }

  const summary = (records: _Record[]) =>
    records.map((r) => ({ event: r.eventName, keys: r.dynamodb!.Keys, new: r.dynamodb!.NewImage, old: r.dynamodb!.OldImage }));

  beforeAll(async () => {
    cloud = await startTestCloud();
    doc = DynamoDBDocumentClient.from(cloud.sdk.dynamodb);
    streams = new DynamoDBStreamsClient({ region: REGION, credentials: CREDENTIALS, endpoint: cloud.edge });
    await createTable(Plain);
    await createTable(Items, 'NEW_AND_OLD_IMAGES');
  });

  afterAll(async () => {
    streams?.destroy();
    doc?.destroy();
    await cloud?.stop();
  });

  describe('DescribeTable', () => {
    it('gives a table created with a stream its StreamSpecification, LatestStreamArn and LatestStreamLabel', async () => {
      const { Table } = await cloud.sdk.dynamodb.send(new DescribeTableCommand({ TableName: Items }));
      expect(Table).toMatchObject({
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
        LatestStreamArn: streamArnOf(Items),
        LatestStreamLabel: '1970-01-01T00:00:00.000',
      });
    });

    it('gives a table without a stream none of them', async () => {
      const { Table } = await cloud.sdk.dynamodb.send(new DescribeTableCommand({ TableName: Plain }));
      expect(Table!.TableName).toBe(Plain);
      expect(Table).not.toHaveProperty('StreamSpecification');
      expect(Table).not.toHaveProperty('LatestStreamArn');
      expect(Table).not.toHaveProperty('LatestStreamLabel');
    });

    it('refuses a stream enabled without a view type, as DynamoDB does', async () => {
      await expect(
        cloud.sdk.dynamodb.send(
          new CreateTableCommand({
            TableName: name('no-view'),
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
            StreamSpecification: { StreamEnabled: true },
          }),
        ),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    });
  });

  describe('ListStreams and DescribeStream', () => {
    it("lists the tables' streams, a table without one not, and filters by table name", async () => {
      const all = await streams.send(new ListStreamsCommand({}));
      expect(all.Streams).toContainEqual({ StreamArn: streamArnOf(Items), TableName: Items, StreamLabel: '1970-01-01T00:00:00.000' });
      expect(all.Streams!.map((s) => s.TableName)).not.toContain(Plain);
      const one = await streams.send(new ListStreamsCommand({ TableName: Items }));
      expect(one.Streams).toEqual([{ StreamArn: streamArnOf(Items), TableName: Items, StreamLabel: '1970-01-01T00:00:00.000' }]);
      expect((await streams.send(new ListStreamsCommand({ TableName: Plain }))).Streams).toEqual([]);
    });

    it('describes a stream with its one open shard', async () => {
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArnOf(Items) }));
      expect(StreamDescription).toMatchObject({
        StreamArn: streamArnOf(Items),
        StreamLabel: '1970-01-01T00:00:00.000',
        StreamStatus: 'ENABLED',
        StreamViewType: 'NEW_AND_OLD_IMAGES',
        TableName: Items,
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      });
      expect(StreamDescription!.CreationRequestDateTime).toBeInstanceOf(Date);
      expect(StreamDescription!.Shards).toHaveLength(1);
      expect(StreamDescription!.Shards![0].ShardId).toMatch(/^shardId-\d{20}-[0-9a-f]{8}$/);
      expect(StreamDescription!.Shards![0].SequenceNumberRange!.StartingSequenceNumber).toMatch(/^\d{21}$/);
      expect(StreamDescription!.Shards![0].SequenceNumberRange!.EndingSequenceNumber).toBeUndefined();
    });

    it('answers ResourceNotFoundException for the stream of a table without one, or of no table', async () => {
      await expect(streams.send(new DescribeStreamCommand({ StreamArn: streamArnOf(Plain) }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      await expect(streams.send(new DescribeStreamCommand({ StreamArn: streamArnOf(name('missing')) }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
    });
  });

  describe('a record per write', () => {
    it('PutItem of a new item is an INSERT, with every field of a stream record', async () => {
      const pk = unique('put');
      const before = Math.floor(Date.now() / 1000);
      const [record, ...more] = await recordsOf(Items, () => doc.send(new PutCommand({ TableName: Items, Item: { pk, sk: 'a', n: 1 } })));
      expect(more).toEqual([]);
      expect(record).toMatchObject({ eventName: 'INSERT', eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: REGION });
      expect(record.eventID).toMatch(/^[0-9a-f]{32}$/);
      const d = record.dynamodb!;
      expect(d.Keys).toEqual({ pk: { S: pk }, sk: { S: 'a' } });
      expect(d.NewImage).toEqual({ pk: { S: pk }, sk: { S: 'a' }, n: { N: '1' } });
      expect(d.OldImage).toBeUndefined();
      expect(d.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
      expect(d.SequenceNumber).toMatch(/^\d{21,40}$/);
      expect(d.SizeBytes).toBeGreaterThan(0);
      expect(d.ApproximateCreationDateTime!.getTime() / 1000).toBeGreaterThanOrEqual(before);
      expect(d.ApproximateCreationDateTime!.getTime()).toBeLessThanOrEqual(Date.now());
    });

    it('PutItem over an item is a MODIFY with both images; one that changes nothing adds no record', async () => {
      const pk = unique('overwrite');
      await doc.send(new PutCommand({ TableName: Items, Item: { pk, sk: 'a', n: 1, tags: new Set(['x', 'y']) } }));
      const records = await recordsOf(Items, async () => {
        await doc.send(new PutCommand({ TableName: Items, Item: { pk, sk: 'a', n: 2, tags: new Set(['x', 'y']) } }));
        // the same data again (a set in another order is the same set): DynamoDB Streams writes no record
        await doc.send(new PutCommand({ TableName: Items, Item: { pk, sk: 'a', n: 2, tags: new Set(['y', 'x']) } }));
      });
      expect(summary(records)).toEqual([
        {
          event: 'MODIFY',
          keys: { pk: { S: pk }, sk: { S: 'a' } },
          new: { pk: { S: pk }, sk: { S: 'a' }, n: { N: '2' }, tags: { SS: ['x', 'y'] } },
          old: { pk: { S: pk }, sk: { S: 'a' }, n: { N: '1' }, tags: { SS: ['x', 'y'] } },
        },
      ]);
    });

    it('UpdateItem creating an item is an INSERT, changing one a MODIFY, changing nothing no record', async () => {
      const pk = unique('update');
      const Key = { pk, sk: 'a' };
      const records = await recordsOf(Items, async () => {
        await doc.send(new UpdateCommand({ TableName: Items, Key, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': 1 } }));
        await doc.send(new UpdateCommand({ TableName: Items, Key, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } }));
        await doc.send(new UpdateCommand({ TableName: Items, Key, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': 2 } }));
      });
      expect(summary(records)).toEqual([
        { event: 'INSERT', keys: { pk: { S: pk }, sk: { S: 'a' } }, new: { pk: { S: pk }, sk: { S: 'a' }, n: { N: '1' } }, old: undefined },
        {
          event: 'MODIFY',
          keys: { pk: { S: pk }, sk: { S: 'a' } },
          new: { pk: { S: pk }, sk: { S: 'a' }, n: { N: '2' } },
          old: { pk: { S: pk }, sk: { S: 'a' }, n: { N: '1' } },
        },
      ]);
    });

    it('DeleteItem is a REMOVE with the old image; deleting a missing item adds no record', async () => {
      const pk = unique('delete');
      await doc.send(new PutCommand({ TableName: Items, Item: { pk, sk: 'a', n: 1 } }));
      const records = await recordsOf(Items, async () => {
        await doc.send(new DeleteCommand({ TableName: Items, Key: { pk, sk: 'a' } }));
        await doc.send(new DeleteCommand({ TableName: Items, Key: { pk, sk: 'a' } }));
        await doc.send(new DeleteCommand({ TableName: Items, Key: { pk, sk: 'never-there' } }));
      });
      expect(summary(records)).toEqual([
        { event: 'REMOVE', keys: { pk: { S: pk }, sk: { S: 'a' } }, new: undefined, old: { pk: { S: pk }, sk: { S: 'a' }, n: { N: '1' } } },
      ]);
    });

    it('a write whose condition fails adds no record', async () => {
      const pk = unique('conditional');
      await doc.send(new PutCommand({ TableName: Items, Item: { pk, sk: 'a', n: 1 } }));
      const records = await recordsOf(Items, async () => {
        const failed = { name: 'ConditionalCheckFailedException' };
        await expect(
          doc.send(new PutCommand({ TableName: Items, Item: { pk, sk: 'a', n: 9 }, ConditionExpression: 'attribute_not_exists(pk)' })),
        ).rejects.toMatchObject(failed);
        await expect(
          doc.send(
            new UpdateCommand({
              TableName: Items,
              Key: { pk, sk: 'a' },
              UpdateExpression: 'SET n = :n',
              ConditionExpression: 'n = :old',
              ExpressionAttributeValues: { ':n': 9, ':old': 5 },
            }),
          ),
        ).rejects.toMatchObject(failed);
        await expect(
          doc.send(new DeleteCommand({ TableName: Items, Key: { pk, sk: 'a' }, ConditionExpression: 'n = :old', ExpressionAttributeValues: { ':old': 5 } })),
        ).rejects.toMatchObject(failed);
      });
      expect(records).toEqual([]);
    });

    it('BatchWriteItem adds one record per put and delete', async () => {
      const pk = unique('batch');
      await doc.send(new PutCommand({ TableName: Items, Item: { pk, sk: 'old' } }));
      const records = await recordsOf(Items, () =>
        doc.send(
          new BatchWriteCommand({
            RequestItems: {
              [Items]: [{ PutRequest: { Item: { pk, sk: 'b1' } } }, { PutRequest: { Item: { pk, sk: 'b2' } } }, { DeleteRequest: { Key: { pk, sk: 'old' } } }],
              [Plain]: [{ PutRequest: { Item: { pk, sk: 'elsewhere' } } }],
            },
          }),
        ),
      );
      expect(
        summary(records)
          .map((r) => [r.event, r.keys!.sk.S])
          .sort(),
      ).toEqual([
        ['INSERT', 'b1'],
        ['INSERT', 'b2'],
        ['REMOVE', 'old'],
      ]);
    });

    it('TransactWriteItems adds one record per written item, none for a condition check or a cancelled transaction', async () => {
      const pk = unique('transact');
      await doc.send(new PutCommand({ TableName: Items, Item: { pk, sk: 'stock', n: 5 } }));
      await doc.send(new PutCommand({ TableName: Items, Item: { pk, sk: 'gone' } }));
      const records = await recordsOf(Items, async () => {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Update: { TableName: Items, Key: { pk, sk: 'stock' }, UpdateExpression: 'SET n = n - :one', ExpressionAttributeValues: { ':one': 1 } } },
              { Put: { TableName: Items, Item: { pk, sk: 'order' } } },
              { Delete: { TableName: Items, Key: { pk, sk: 'gone' } } },
              { ConditionCheck: { TableName: Plain, Key: { pk, sk: 'none' }, ConditionExpression: 'attribute_not_exists(pk)' } },
            ],
          }),
        );
        await expect(
          doc.send(
            new TransactWriteCommand({
              TransactItems: [
                { Put: { TableName: Items, Item: { pk, sk: 'never' } } },
                { ConditionCheck: { TableName: Items, Key: { pk, sk: 'stock' }, ConditionExpression: 'n = :n', ExpressionAttributeValues: { ':n': 100 } } },
              ],
            }),
          ),
        ).rejects.toMatchObject({ name: 'TransactionCanceledException' });
      });
      expect(summary(records).map((r) => [r.event, r.keys!.sk.S, r.new?.n?.N, r.old?.n?.N])).toEqual([
        ['MODIFY', 'stock', '4', '5'],
        ['INSERT', 'order', undefined, undefined],
        ['REMOVE', 'gone', undefined, undefined],
      ]);
    });

    it('sequence numbers increase from record to record', async () => {
      const pk = unique('order');
      const records = await recordsOf(Items, async () => {
        for (let i = 0; i < 5; i += 1) await doc.send(new PutCommand({ TableName: Items, Item: { pk, sk: 'a', i } }));
      });
      const numbers = records.map((r) => BigInt(r.dynamodb!.SequenceNumber!));
      expect(numbers).toHaveLength(5);
      for (let i = 1; i < numbers.length; i += 1) expect(numbers[i] > numbers[i - 1]).toBe(true);
      expect(new Set(records.map((r) => r.eventID)).size).toBe(5);
    });

    it('calls onStreamWrite after a write that added records, not after one to a table without a stream', async () => {
      const seen = cloud.streamWrites.generation();
      await doc.send(new PutCommand({ TableName: Plain, Item: { pk: unique('quiet'), sk: 'a' } }));
      await new Promise((resolve) => setImmediate(resolve));
      expect(cloud.streamWrites.generation()).toBe(seen);
      await doc.send(new PutCommand({ TableName: Items, Item: { pk: unique('loud'), sk: 'a' } }));
      await cloud.streamWrites.sleep(2000, seen);
      expect(cloud.streamWrites.generation()).toBeGreaterThan(seen);
    });
  });

  describe('StreamViewType', () => {
    const key = (pk: string) => ({ pk: { S: pk }, sk: { S: 'a' } });
    const v1 = (pk: string) => ({ ...key(pk), v: { N: '1' } });
    const v2 = (pk: string) => ({ ...key(pk), v: { N: '2' } });
    it.each<[StreamViewType, (pk: string) => { new: unknown; old: unknown }[]]>([
      [
        'KEYS_ONLY',
        () => [
          { new: undefined, old: undefined },
          { new: undefined, old: undefined },
          { new: undefined, old: undefined },
        ],
      ],
      [
        'NEW_IMAGE',
        (pk) => [
          { new: v1(pk), old: undefined },
          { new: v2(pk), old: undefined },
          { new: undefined, old: undefined },
        ],
      ],
      [
        'OLD_IMAGE',
        (pk) => [
          { new: undefined, old: undefined },
          { new: undefined, old: v1(pk) },
          { new: undefined, old: v2(pk) },
        ],
      ],
      [
        'NEW_AND_OLD_IMAGES',
        (pk) => [
          { new: v1(pk), old: undefined },
          { new: v2(pk), old: v1(pk) },
          { new: undefined, old: v2(pk) },
        ],
      ],
    ])('%s puts the images it names in INSERT, MODIFY and REMOVE records', async (viewType, expected) => {
      const table = name(viewType.toLowerCase().replace(/_/g, '-'));
      await createTable(table, viewType);
      const pk = unique('view');
      const records = await recordsOf(table, async () => {
        await doc.send(new PutCommand({ TableName: table, Item: { pk, sk: 'a', v: 1 } }));
        await doc.send(new PutCommand({ TableName: table, Item: { pk, sk: 'a', v: 2 } }));
        await doc.send(new DeleteCommand({ TableName: table, Key: { pk, sk: 'a' } }));
      });
      expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
      expect(records.map((r) => r.dynamodb!.Keys)).toEqual([key(pk), key(pk), key(pk)]);
      expect(records.map((r) => r.dynamodb!.StreamViewType)).toEqual([viewType, viewType, viewType]);
      expect(summary(records).map((r) => ({ new: r.new, old: r.old }))).toEqual(expected(pk));
    });
  });

  describe('shard iterators and GetRecords', () => {
    const Paged = name('paged');
    let sequence: string[];

    beforeAll(async () => {
      await createTable(Paged, 'KEYS_ONLY');
      for (let i = 0; i < 25; i += 1) await doc.send(new PutCommand({ TableName: Paged, Item: { pk: 'p', sk: String(i).padStart(2, '0') } }));
      sequence = (await readAll(await iterator(Paged, 'TRIM_HORIZON'))).map((r) => r.dynamodb!.SequenceNumber!);
    });

    const sks = (records: _Record[]) => records.map((r) => r.dynamodb!.Keys!.sk.S);

    it('TRIM_HORIZON reads from the oldest record', async () => {
      expect(sequence).toHaveLength(25);
      expect(sks(await readAll(await iterator(Paged, 'TRIM_HORIZON')))).toEqual(Array.from({ length: 25 }, (_, i) => String(i).padStart(2, '0')));
    });

    it('LATEST reads only what is written after it was issued', async () => {
      const latest = await iterator(Paged, 'LATEST');
      expect((await streams.send(new GetRecordsCommand({ ShardIterator: latest }))).Records).toEqual([]);
      const table = name('latest');
      await createTable(table, 'KEYS_ONLY');
      await doc.send(new PutCommand({ TableName: table, Item: { pk: 'before', sk: 'a' } }));
      const from = await iterator(table, 'LATEST');
      await doc.send(new PutCommand({ TableName: table, Item: { pk: 'after', sk: 'a' } }));
      expect((await readAll(from)).map((r) => r.dynamodb!.Keys!.pk.S)).toEqual(['after']);
    });

    it('AT_SEQUENCE_NUMBER starts at that record, AFTER_SEQUENCE_NUMBER after it', async () => {
      expect(sks(await readAll(await iterator(Paged, 'AT_SEQUENCE_NUMBER', sequence[20])))).toEqual(['20', '21', '22', '23', '24']);
      expect(sks(await readAll(await iterator(Paged, 'AFTER_SEQUENCE_NUMBER', sequence[20])))).toEqual(['21', '22', '23', '24']);
      expect(await readAll(await iterator(Paged, 'AFTER_SEQUENCE_NUMBER', sequence[24]))).toEqual([]);
    });

    it('pages with Limit, each answer giving the next iterator, which stays at the tip when nothing is new', async () => {
      let ShardIterator = await iterator(Paged, 'TRIM_HORIZON');
      const sizes: number[] = [];
      for (let page = 0; page < 4; page += 1) {
        const answer = await streams.send(new GetRecordsCommand({ ShardIterator, Limit: 10 }));
        sizes.push(answer.Records!.length);
        expect(answer.NextShardIterator).toEqual(expect.any(String));
        ShardIterator = answer.NextShardIterator!;
      }
      expect(sizes).toEqual([10, 10, 5, 0]);
      await doc.send(new PutCommand({ TableName: Paged, Item: { pk: 'p', sk: 'late' } }));
      expect(sks((await streams.send(new GetRecordsCommand({ ShardIterator }))).Records!)).toEqual(['late']);
    });

    it("answers AWS's errors: a sequence number without one, one not in the shard, an unknown shard, a bad iterator or limit", async () => {
      const StreamArn = streamArnOf(Paged);
      const ShardId = await shardOf(StreamArn);
      await expect(streams.send(new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER' }))).rejects.toMatchObject({
        name: 'ValidationException',
      });
      await expect(
        streams.send(new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: '999999999999999999999' })),
      ).rejects.toMatchObject({
        name: 'ValidationException',
      });
      await expect(
        streams.send(new GetShardIteratorCommand({ StreamArn, ShardId: 'shardId-00000000000000000000-00000000', ShardIteratorType: 'LATEST' })),
      ).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
      await expect(streams.send(new GetShardIteratorCommand({ StreamArn: streamArnOf(Plain), ShardId, ShardIteratorType: 'LATEST' }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
      await expect(streams.send(new GetRecordsCommand({ ShardIterator: 'not-an-iterator' }))).rejects.toMatchObject({ name: 'ValidationException' });
      await expect(streams.send(new GetRecordsCommand({ ShardIterator: await iterator(Paged, 'LATEST'), Limit: 1001 }))).rejects.toMatchObject({
        name: 'ValidationException',
      });
    });
  });
});

describe('embedded DynamoDB Streams retention', () => {
  it('trims records past retention or over the bound (TrimmedDataAccessException behind them) and expires iterators after 15 minutes', async () => {
    const [sqsPort, edgePort] = await freePorts(2);
    let clock = Date.now();
    const emulators = await startEmbedded({
      region: REGION,
      accountId: ACCOUNT_ID,
      sqsPort,
      edgePort,
      accessKeyId: CREDENTIALS.accessKeyId,
      log: () => undefined,
      dynamodbStreams: { maxRecordsPerStream: 3, retentionMs: 60_000, now: () => clock },
    });
    const common = { region: REGION, credentials: CREDENTIALS, endpoint: `http://127.0.0.1:${edgePort}` };
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient(common));
    const streams = new DynamoDBStreamsClient(common);
    try {
      const TableName = 'retained';
      const { TableDescription } = await doc.send(
        new CreateTableCommand({
          TableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
        }),
      );
      const StreamArn = TableDescription!.LatestStreamArn!;
      const ShardId = (await streams.send(new DescribeStreamCommand({ StreamArn }))).StreamDescription!.Shards![0].ShardId!;
      const iteratorOf = async (ShardIteratorType: ShardIteratorType, SequenceNumber?: string) =>
        (await streams.send(new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType, SequenceNumber }))).ShardIterator!;
      const keys = async (ShardIterator: string) => (await streams.send(new GetRecordsCommand({ ShardIterator }))).Records!.map((r) => r.dynamodb!.Keys!.pk.S);

      const fromStart = await iteratorOf('TRIM_HORIZON');
      for (const pk of ['a', 'b', 'c']) await doc.send(new PutCommand({ TableName, Item: { pk } }));
      const first = (await streams.send(new GetRecordsCommand({ ShardIterator: fromStart }))).Records![0].dynamodb!.SequenceNumber!;
      expect(await keys(fromStart)).toEqual(['a', 'b', 'c']);

      await doc.send(new PutCommand({ TableName, Item: { pk: 'd' } })); // a fourth: 'a' goes
      await expect(keys(fromStart)).rejects.toMatchObject({ name: 'TrimmedDataAccessException' });
      await expect(iteratorOf('AT_SEQUENCE_NUMBER', first)).rejects.toMatchObject({ name: 'TrimmedDataAccessException' });
      expect(await keys(await iteratorOf('TRIM_HORIZON'))).toEqual(['b', 'c', 'd']);

      clock += 30_000;
      await doc.send(new PutCommand({ TableName, Item: { pk: 'e' } }));
      clock += 31_000; // b, c, d are now older than the minute kept
      expect(await keys(await iteratorOf('TRIM_HORIZON'))).toEqual(['e']);

      const old = await iteratorOf('TRIM_HORIZON');
      clock += 15 * 60 * 1000 + 1;
      await expect(keys(old)).rejects.toMatchObject({ name: 'ExpiredIteratorException' });
    } finally {
      streams.destroy();
      doc.destroy();
      await emulators.stop();
    }
  });
});
