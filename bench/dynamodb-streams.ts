// Prints what a DynamoDB stream adds to a PutItem in the embedded local cloud: the same puts to a
// table without a stream and to one with a NEW_AND_OLD_IMAGES stream, interleaved in rounds in one
// process (emulators and SDK client together, so CPU counts both sides). `npm run bench:streams`.
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startEmbedded } from '../offline/cloud/emulators/embedded';
import { freePorts } from '../tests/offline/support/ports';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const PUTS = Number(process.env.BENCH_PUTS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

async function main(): Promise<void> {
  const [sqsPort, edgePort] = await freePorts(2);
  const cloud = await startEmbedded({
    region: 'us-east-1',
    accountId: '000000000000',
    sqsPort,
    edgePort,
    accessKeyId: 'test',
    log: () => undefined,
    onStreamWrite: () => undefined,
  });
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${edgePort}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const create = (TableName: string, stream: boolean) =>
    client.send(
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
        StreamSpecification: stream ? { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } : undefined,
      }),
    );
  await create('plain', false);
  await create('streamed', true);

  // An order-sized item; half the puts overwrite an earlier one (MODIFY with both images).
  const put = (TableName: string, i: number) =>
    client.send(
      new PutItemCommand({
        TableName,
        Item: {
          pk: { S: `ORDER#${i % (PUTS / 2)}` },
          sk: { S: 'ORDER' },
          status: { S: i % 2 ? 'PAID' : 'PENDING' },
          customerId: { S: 'c-42' },
          totalCents: { N: String(1000 + i) },
          lines: { L: [{ M: { sku: { S: 'SKU-1' }, qty: { N: '2' } } }, { M: { sku: { S: 'SKU-2' }, qty: { N: '1' } } }] },
          createdAt: { S: new Date().toISOString() },
        },
      }),
    );
  const measure = async (TableName: string) => {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < PUTS; i += 1) await put(TableName, i);
    const wallUs = Number(process.hrtime.bigint() - start) / 1000 / PUTS;
    const used = process.cpuUsage(cpu);
    return { wallUs, cpuUs: (used.user + used.system) / PUTS };
  };

  await measure('plain'); // warm-up
  await measure('streamed');
  const results: Record<string, { wallUs: number; cpuUs: number }[]> = { plain: [], streamed: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const table of round % 2 ? ['streamed', 'plain'] : ['plain', 'streamed']) results[table].push(await measure(table));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  for (const table of ['plain', 'streamed']) {
    const r = results[table];
    console.log(
      `${table.padEnd(9)} per put: wall ${median(r.map((x) => x.wallUs)).toFixed(0)} µs, CPU ${median(r.map((x) => x.cpuUs)).toFixed(0)} µs (median of ${ROUNDS} rounds of ${PUTS} sequential puts)`,
    );
  }
  const extra = (key: 'wallUs' | 'cpuUs') => median(results.streamed.map((x) => x[key])) - median(results.plain.map((x) => x[key]));
  console.log(`a stream adds: wall ${extra('wallUs').toFixed(0)} µs, CPU ${extra('cpuUs').toFixed(0)} µs per put`);
  client.destroy();
  await cloud.stop();
}

void main();
