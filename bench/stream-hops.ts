// Prints how long a record takes from its write to the function's invocation in the embedded local
// cloud, for each poll-based stream source: a DynamoDB PutItem → the DynamoDB Streams poller, and a
// Kinesis PutRecord → the Kinesis poller; one record at a time, the function answering at once.
// `npx tsx bench/stream-hops.ts` (BENCH_RECORDS records per source, 200 by default).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, DescribeStreamSummaryCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { startEmbedded } from '../offline/cloud/emulators/embedded';
import { fileCheckpoints } from '../offline/cloud/event-sources/checkpoints';
import { startDynamoDBStreamsPoller } from '../offline/cloud/event-sources/dynamodb-streams-poller';
import { startKinesisPoller } from '../offline/cloud/event-sources/kinesis-poller';
import { createWakeSignal } from '../offline/cloud/event-sources/wake-signal';
import { createDestinationSender } from '../offline/cloud/lambda/destinations';
import type { Invoker } from '../offline/cloud/lambda/invoke';
import { localClients } from '../offline/cloud/provision/clients';
import type { StreamConsumerPlan } from '../offline/cloud/provision/plan';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const RECORDS = Number(process.env.BENCH_RECORDS ?? 200);
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  const [sqsPort, edgePort] = [await freePort(), await freePort()];
  const writes = createWakeSignal();
  const emulators = await startEmbedded({
    region: REGION,
    accountId: ACCOUNT,
    sqsPort,
    edgePort,
    accessKeyId: 'test',
    log: console.error,
    onStreamWrite: writes.notify,
  });
  const clients = localClients({
    region: REGION,
    sqs: `http://127.0.0.1:${sqsPort}`,
    edge: `http://127.0.0.1:${edgePort}`,
    lambda: 'http://127.0.0.1:9',
    accessKeyId: 'test',
  });
  const stateDir = mkdtempSync(join(tmpdir(), 'stream-hops-'));

  // The function: notes when each record reached it.
  let arrived: (() => void) | undefined;
  const invoke: Invoker = async () => {
    arrived?.();
    return { ok: true, payload: null };
  };
  const mapping = (source: 'kinesis' | 'dynamodb', stream: string, arn: string): StreamConsumerPlan => ({
    functionKey: source,
    functionName: `bench-${source}`,
    source,
    stream,
    arn,
    enabled: true,
    batchSize: 100,
    batchWindowSeconds: 0,
    startingPosition: 'LATEST',
    bisectBatchOnFunctionError: false,
    maximumRetryAttempts: -1,
    maximumRecordAgeInSeconds: -1,
    reportBatchItemFailures: false,
    parallelizationFactor: 1,
  });
  const options = {
    clients,
    region: REGION,
    accountId: ACCOUNT,
    checkpoints: fileCheckpoints(join(stateDir, 'checkpoints.json')),
    idlePollMs: 1000,
    writes,
    retryDelayMs: 200,
    log: console.error,
    invoke,
    sendToDestination: createDestinationSender(clients, { asyncQueueOf: () => undefined, log: console.error }),
  };

  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: 'hops',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  await clients.kinesis.send(new CreateStreamCommand({ StreamName: 'hops', ShardCount: 1 }));
  for (;;) {
    const { StreamDescriptionSummary } = await clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'hops' }));
    if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break;
  }
  const sources = {
    'DynamoDB PutItem → function': {
      poller: startDynamoDBStreamsPoller(mapping('dynamodb', 'hops', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/hops/stream/x`), options),
      write: (n: number) => clients.dynamodb.send(new PutItemCommand({ TableName: 'hops', Item: { id: { S: `item-${n}` }, n: { N: String(n) } } })),
    },
    'Kinesis PutRecord → function': {
      poller: startKinesisPoller(mapping('kinesis', 'hops', `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/hops`), options),
      write: (n: number) => clients.kinesis.send(new PutRecordCommand({ StreamName: 'hops', PartitionKey: `k${n}`, Data: Buffer.from(String(n)) })),
    },
  };
  for (const [name, { poller, write }] of Object.entries(sources)) {
    await poller.positioned;
    const latencies: number[] = [];
    for (let n = 0; n < RECORDS; n++) {
      const reached = new Promise<void>((resolve) => (arrived = resolve));
      const start = process.hrtime.bigint();
      await write(n);
      await reached;
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    await poller.stop();
    const sorted = latencies.sort((a, b) => a - b);
    console.log(
      `${name}: p50 ${percentile(sorted, 50).toFixed(1)} ms, p90 ${percentile(sorted, 90).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms over ${RECORDS} records`,
    );
  }
  for (const client of Object.values(clients)) client.destroy();
  await emulators.stop();
  rmSync(stateDir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
