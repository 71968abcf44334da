import '../../support/quiet-sdk';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { fileCheckpoints } from '../../../../offline/cloud/event-sources/checkpoints';
import { startDynamoDBStreamsPoller } from '../../../../offline/cloud/event-sources/dynamodb-streams-poller';
import { createDestinationSender } from '../../../../offline/cloud/lambda/destinations';
import { localClients, type LocalClients } from '../../../../offline/cloud/provision/clients';
import type { StreamConsumerPlan } from '../../../../offline/cloud/provision/plan';
import { compileFilterCriteria } from '../../../../offline/cloud/patterns/filter-criteria';
import { eventually } from '../../support/eventually';
import { alwaysFail, startFakeLambda, succeed, type FakeLambda } from '../../support/fake-lambda';
import { ACCOUNT_ID, REGION, startTestCloud, type TestCloud } from '../../support/test-cloud';
import { createActiveTable } from '../../support/resources';

type DynamoDBRecord = {
  eventName: string;
  eventSourceARN: string;
  dynamodb: { Keys: Record<string, { S: string }>; NewImage?: Record<string, { S?: string; N?: string }>; OldImage?: Record<string, unknown> };
};

describe("startDynamoDBStreamsPoller: Lambda's DynamoDB Streams event source mapping, on the embedded DynamoDB, over real sockets", () => {
  let cloud: TestCloud;
  let lambda: FakeLambda;
  let clients: LocalClients;
  let stateDir: string;
  const consumers: { stop(): Promise<void> }[] = [];
  let n = 0;

  beforeAll(async () => {
    [cloud, lambda] = await Promise.all([startTestCloud(), startFakeLambda()]);
    clients = localClients({ region: REGION, sqs: cloud.sqsEndpoint, edge: cloud.edge, lambda: lambda.endpoint, accessKeyId: 'test' });
    stateDir = mkdtempSync(join(tmpdir(), 'orderflow-ddb-poller-'));
  });
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
  });
  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await Promise.all([cloud?.stop(), lambda?.stop()]);
    rmSync(stateDir, { recursive: true, force: true });
  });

  /** A table with a stream, its on-failure queue, and a mapping on it, started. */
  async function tableFunction(mapping: Partial<StreamConsumerPlan> = {}) {
    const key = `onChange${++n}`;
    const table = `users-${n}`;
    await createActiveTable(cloud.sdk.dynamodb, {
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    await cloud.createQueue(`${key}-failures`);
    const plan: StreamConsumerPlan = {
      functionKey: key,
      functionName: `relay-test-${key}`,
      source: 'dynamodb',
      stream: table,
      arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${table}/stream/1970-01-01T00:00:00.000`,
      enabled: true,
      batchSize: 100,
      batchWindowSeconds: 0,
      startingPosition: 'LATEST',
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: 1,
      maximumRecordAgeInSeconds: -1,
      reportBatchItemFailures: false,
      parallelizationFactor: 1,
      onFailure: { kind: 'sqs', arn: cloud.queueArn(`${key}-failures`), name: `${key}-failures` },
      ...mapping,
    };
    consumers.push(
      startDynamoDBStreamsPoller(plan, {
        clients,
        region: REGION,
        accountId: ACCOUNT_ID,
        checkpoints: fileCheckpoints(join(stateDir, `${key}.json`)),
        idlePollMs: 1000,
        writes: cloud.streamWrites,
        retryDelayMs: 20,
        log: () => undefined,
        filter: compileFilterCriteria('dynamodb', plan.filterPatterns),
        sendToDestination: createDestinationSender(clients, { asyncQueueOf: () => undefined, log: () => undefined }),
      }),
    );
    const records = () => lambda.invocations(plan.functionName).flatMap((call) => (call.event as { Records: DynamoDBRecord[] }).Records);
    return { plan, table, records, failuresQueue: `${key}-failures` };
  }

  /** Waits until the mapping took its LATEST position (its first read), so that what follows is delivered. */
  const settled = () => new Promise((resolve) => setTimeout(resolve, 300));

  it('hands INSERT, MODIFY and REMOVE of each write to the function in order, with images and the stream ARN', async () => {
    const fn = await tableFunction();
    lambda.script(fn.plan.functionName, succeed());
    await settled();

    await cloud.sdk.dynamodb.send(new PutItemCommand({ TableName: fn.table, Item: { id: { S: 'u1' }, name: { S: 'Ada' } } }));
    await cloud.sdk.dynamodb.send(
      new UpdateItemCommand({
        TableName: fn.table,
        Key: { id: { S: 'u1' } },
        UpdateExpression: 'SET #n = :n',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':n': { S: 'Grace' } },
      }),
    );
    await cloud.sdk.dynamodb.send(new DeleteItemCommand({ TableName: fn.table, Key: { id: { S: 'u1' } } }));

    const records = await eventually(async () => (fn.records().length >= 3 ? fn.records() : undefined), 'three stream records');
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    expect(records[0].dynamodb).toMatchObject({ Keys: { id: { S: 'u1' } }, NewImage: { id: { S: 'u1' }, name: { S: 'Ada' } } });
    expect(records[1].dynamodb).toMatchObject({ OldImage: { name: { S: 'Ada' } }, NewImage: { name: { S: 'Grace' } } });
    expect(records[2].dynamodb.NewImage).toBeUndefined();
    expect(records[0].eventSourceARN).toMatch(new RegExp(`:table/${fn.table}/stream/`));
  });

  it('applies filterPatterns to the records: only matching ones reach the function', async () => {
    const fn = await tableFunction({ filterPatterns: [{ eventName: ['INSERT'], dynamodb: { NewImage: { plan: { S: ['pro'] } } } }] });
    lambda.script(fn.plan.functionName, succeed());
    await settled();

    await cloud.sdk.dynamodb.send(new PutItemCommand({ TableName: fn.table, Item: { id: { S: 'free-1' }, plan: { S: 'free' } } }));
    await cloud.sdk.dynamodb.send(new PutItemCommand({ TableName: fn.table, Item: { id: { S: 'pro-1' }, plan: { S: 'pro' } } }));
    await cloud.sdk.dynamodb.send(new DeleteItemCommand({ TableName: fn.table, Key: { id: { S: 'pro-1' } } }));

    await eventually(async () => (fn.records().length >= 1 ? true : undefined), 'the matching record');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fn.records().map((r) => [r.eventName, r.dynamodb.Keys.id.S])).toEqual([['INSERT', 'pro-1']]);
  });

  it('sends a batch that kept failing to the on-failure destination with DDBStreamBatchInfo', async () => {
    const fn = await tableFunction({ maximumRetryAttempts: 1 });
    lambda.script(fn.plan.functionName, alwaysFail('cannot project'));
    await settled();

    await cloud.sdk.dynamodb.send(new PutItemCommand({ TableName: fn.table, Item: { id: { S: 'p1' } } }));

    const [message] = await cloud.receive(cloud.queueUrl(fn.failuresQueue), 1);
    const record = JSON.parse(message.Body!);
    expect(record.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 2 });
    expect(record.DDBStreamBatchInfo).toMatchObject({
      batchSize: 1,
      shardId: expect.any(String),
      streamArn: expect.stringContaining(`table/${fn.table}/stream/`),
    });
    expect(record).not.toHaveProperty('KinesisBatchInfo');
    expect(lambda.invocations(fn.plan.functionName)).toHaveLength(2);
  });
});
