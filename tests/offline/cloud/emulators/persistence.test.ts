import '../../support/quiet-sdk';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { GetRecordsCommand as GetKinesisRecordsCommand, GetShardIteratorCommand as GetKinesisIteratorCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient as Sqs } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { refuseStateDirInUse, startEmbedded } from '../../../../offline/cloud/emulators/embedded';
import { freePorts } from '../../support/ports';
import { sleep } from '../../support/eventually';
import { ACCOUNT_ID, CREDENTIALS, REGION } from '../../support/test-cloud';
import { createActiveStream, createActiveTable } from '../../support/resources';

/** The embedded emulators on disk in `stateDir`, with SDK clients of the test's own. */
async function startOnDisk(stateDir: string) {
  const [sqsPort, edgePort] = await freePorts(2);
  const emulators = await startEmbedded({
    region: REGION,
    accountId: ACCOUNT_ID,
    sqsPort,
    edgePort,
    accessKeyId: CREDENTIALS.accessKeyId,
    log: () => undefined,
    stateDir,
  });
  const common = { region: REGION, credentials: CREDENTIALS, endpoint: `http://127.0.0.1:${edgePort}` };
  const sdk = {
    sqs: new Sqs({ ...common, endpoint: `http://127.0.0.1:${sqsPort}` }),
    dynamodb: new DynamoDBClient(common),
    streams: new DynamoDBStreamsClient(common),
    kinesis: new KinesisClient({ ...common, requestHandler: new NodeHttpHandler() }),
    s3: new S3Client({ ...common, forcePathStyle: true }),
  };
  const queueUrl = (name: string) => `http://127.0.0.1:${sqsPort}/${ACCOUNT_ID}/${name}`;
  return {
    emulators,
    sdk,
    queueUrl,
    /** What provisioning does at every start: the queues exist before their messages come back. */
    async createQueues(names: string[]) {
      for (const QueueName of names) await sdk.sqs.send(new CreateQueueCommand({ QueueName, Attributes: { VisibilityTimeout: '30' } }));
      return emulators.restoreQueues();
    },
    async stop() {
      for (const client of Object.values(sdk)) client.destroy();
      await emulators.stop();
    },
  };
}

const visibleCount = async (sqs: SQSClient, QueueUrl: string) => {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
  return { visible: Number(Attributes!.ApproximateNumberOfMessages), delayed: Number(Attributes!.ApproximateNumberOfMessagesDelayed) };
};

const receiveAll = async (sqs: SQSClient, QueueUrl: string, VisibilityTimeout?: number) =>
  (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout, AttributeNames: ['All'] }))).Messages ??
  [];

describe('the embedded emulators with a state directory, across a stop and a start', () => {
  let stateDir: string;
  let running: Awaited<ReturnType<typeof startOnDisk>> | undefined;

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'persist-test-'));
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('keeps tables, table streams, Kinesis records, objects, and messages visible, delayed and in flight', async () => {
    let cloud = await startOnDisk(stateDir);
    running = cloud;
    await cloud.createQueues(['jobs']);
    const TableName = 'orders';
    await createActiveTable(cloud.sdk.dynamodb, {
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    });
    await cloud.sdk.dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'order-1' }, total: { N: '42' } } }));
    await createActiveStream(cloud.sdk.kinesis, 'activity');
    await cloud.sdk.kinesis.send(new PutRecordCommand({ StreamName: 'activity', PartitionKey: 'k', Data: Buffer.from('placed') }));
    await cloud.sdk.s3.send(new CreateBucketCommand({ Bucket: 'exports' }));
    await cloud.sdk.s3.send(new PutObjectCommand({ Bucket: 'exports', Key: 'a.csv', Body: 'id\n1\n' }));
    const jobs = cloud.queueUrl('jobs');
    await cloud.sdk.sqs.send(new SendMessageCommand({ QueueUrl: jobs, MessageBody: 'in flight' }));
    const [inFlight] = await receiveAll(cloud.sdk.sqs, jobs, 2);
    expect(inFlight.Body).toBe('in flight');
    await cloud.sdk.sqs.send(new SendMessageCommand({ QueueUrl: jobs, MessageBody: 'visible' }));
    await cloud.sdk.sqs.send(new SendMessageCommand({ QueueUrl: jobs, MessageBody: 'delayed', DelaySeconds: 3 }));
    await cloud.stop();

    cloud = await startOnDisk(stateDir);
    running = cloud;
    expect(await cloud.createQueues(['jobs'])).toEqual({ restored: 3, dropped: [] });
    const { Item } = await cloud.sdk.dynamodb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'order-1' } } }));
    expect(Item?.total).toEqual({ N: '42' });
    const { Body } = await cloud.sdk.s3.send(new GetObjectCommand({ Bucket: 'exports', Key: 'a.csv' }));
    expect(await Body!.transformToString()).toBe('id\n1\n');
    const { ShardIterator } = await cloud.sdk.kinesis.send(
      new GetKinesisIteratorCommand({ StreamName: 'activity', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const { Records = [] } = await cloud.sdk.kinesis.send(new GetKinesisRecordsCommand({ ShardIterator }));
    expect(Records.map((r) => Buffer.from(r.Data!).toString())).toEqual(['placed']);
    // The table's stream is the same stream (a checkpoint into it stays valid) and still holds its record.
    const { StreamDescription } = await cloud.sdk.streams.send(
      new DescribeStreamCommand({ StreamArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${TableName}/stream/1970-01-01T00:00:00.000` }),
    );
    const shard = StreamDescription!.Shards![0];
    const iterator = await cloud.sdk.streams.send(
      new GetShardIteratorCommand({ StreamArn: StreamDescription!.StreamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const streamRecords = (await cloud.sdk.streams.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }))).Records ?? [];
    expect(streamRecords.map((r) => r.dynamodb?.NewImage?.pk)).toEqual([{ S: 'order-1' }]);
    // A new write continues the stream's sequence.
    await cloud.sdk.dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'order-2' } } }));
    const after = (await cloud.sdk.streams.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }))).Records ?? [];
    expect(after.length).toBeGreaterThanOrEqual(1);

    // Only the visible message can be received now; the in-flight one returns when its 2 s visibility ends, received once already.
    const jobs2 = cloud.queueUrl('jobs');
    expect((await receiveAll(cloud.sdk.sqs, jobs2, 30)).map((m) => m.Body)).toEqual(['visible']);
    await sleep(2200);
    const returned = await receiveAll(cloud.sdk.sqs, jobs2, 30);
    expect(returned.map((m) => [m.Body, m.MessageId, m.Attributes?.ApproximateReceiveCount])).toEqual([['in flight', inFlight.MessageId, '2']]);
    await sleep(1000);
    expect((await receiveAll(cloud.sdk.sqs, jobs2, 30)).map((m) => m.Body)).toEqual(['delayed']);
  }, 30_000);

  it('forgets deleted messages, and drops (saying so) those of a queue no longer created', async () => {
    let cloud = await startOnDisk(stateDir);
    running = cloud;
    await cloud.createQueues(['kept', 'gone']);
    for (const body of ['a', 'b']) await cloud.sdk.sqs.send(new SendMessageCommand({ QueueUrl: cloud.queueUrl('kept'), MessageBody: body }));
    await cloud.sdk.sqs.send(new SendMessageCommand({ QueueUrl: cloud.queueUrl('gone'), MessageBody: 'c' }));
    const [a] = await cloud.sdk.sqs.send(new ReceiveMessageCommand({ QueueUrl: cloud.queueUrl('kept'), MaxNumberOfMessages: 1 })).then((r) => r.Messages!);
    await cloud.sdk.sqs.send(new DeleteMessageCommand({ QueueUrl: cloud.queueUrl('kept'), ReceiptHandle: a.ReceiptHandle }));
    await cloud.stop();

    cloud = await startOnDisk(stateDir);
    running = cloud;
    expect(await cloud.createQueues(['kept'])).toEqual({ restored: 1, dropped: ['1 message(s) of queue gone, which serverless.yml no longer declares'] });
    expect(await visibleCount(cloud.sdk.sqs, cloud.queueUrl('kept'))).toEqual({ visible: 1, delayed: 0 });
  }, 30_000);

  it('loses no acknowledged send, delete or receive when its process is killed with SIGKILL', async () => {
    // A child process runs the emulators and a client sending 200 messages, deleting the even ones
    // and receiving (in flight, 60 s) messages 1 and 3; it is killed outright once it says so.
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'persistence-crash-child.ts'), stateDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('done') && resolve());
      child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
    });
    // While it runs, the directory is its own: another start, fresh (checked before the wipe) or not, is refused.
    const inUse = new RegExp(`state directory ${stateDir} is in use by another local cloud \\(process ${child.pid}\\)`);
    expect(() => refuseStateDirInUse(stateDir)).toThrow(inUse);
    await expect(startOnDisk(stateDir)).rejects.toThrow(inUse);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const cloud = await startOnDisk(stateDir);
    running = cloud;
    expect((await cloud.createQueues(['crash'])).restored).toBe(100);
    const bodies: string[] = [];
    for (
      let batch = await receiveAll(cloud.sdk.sqs, cloud.queueUrl('crash'), 60);
      batch.length > 0;
      batch = await receiveAll(cloud.sdk.sqs, cloud.queueUrl('crash'), 60)
    ) {
      bodies.push(...batch.map((m) => m.Body!));
    }
    const odd = Array.from({ length: 100 }, (_, i) => String(2 * i + 1));
    expect(bodies.sort()).toEqual(odd.filter((b) => b !== '1' && b !== '3').sort());
  }, 60_000);
});
