// Prints the CPU one AWS SDK v3 call costs the calling process, against a server (in another
// process) that answers at once: the floor under any local cloud's cost per order, whatever its
// emulators or invocation path do. `npm run bench:sdk`.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

// The SDK's notice that Node 20 loses support in 2027 is noise in the figures.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const CALLS = Number(process.env.BENCH_SDK_CALLS ?? 3000);
/** The handlers' SDK calls per order on the CONFIRMED path, counted at the edge (README, Benchmarks). */
const HANDLER_CALLS_PER_ORDER = 19;

/** The answering server, run as a child of this script so its CPU is not counted here. */
function serve(): void {
  const answers: Record<string, string> = {
    'DynamoDB_20120810.GetItem': JSON.stringify({ Item: { pk: { S: 'ORDER#1' }, sk: { S: 'ORDER' }, status: { S: 'PENDING' }, totalCents: { N: '5597' } } }),
    'DynamoDB_20120810.PutItem': '{}',
  };
  const sns =
    '<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>';
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (target) res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(answers[target] ?? '{}');
      else res.writeHead(200, { 'content-type': 'text/xml' }).end(sns);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as AddressInfo).port));
}

async function measure(name: string, call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 300; i++) await call(); // warm the JIT and the connection pool
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) await call();
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 / CALLS;
  console.log(`${name.padEnd(22)} ${cpuMs.toFixed(2)} ms CPU per call in the caller, ${((performance.now() - started) / CALLS).toFixed(2)} ms wall`);
  return cpuMs;
}

async function main() {
  const server = fork(__filename, ['--serve'], { execArgv: process.execArgv });
  try {
    const port = await new Promise<number>((resolve) => server.once('message', (p) => resolve(p as number)));
    const common = { region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    const dynamo = new DynamoDBClient(common);
    const sns = new SNSClient(common);
    const Key = { pk: { S: 'ORDER#1' }, sk: { S: 'ORDER' } };
    const costs = [
      await measure('DynamoDB GetItem', () => dynamo.send(new GetItemCommand({ TableName: 't', Key, ConsistentRead: true }))),
      await measure('DynamoDB PutItem', () =>
        dynamo.send(new PutItemCommand({ TableName: 't', Item: { ...Key, v: { N: '1' } }, ConditionExpression: 'attribute_not_exists(pk)' })),
      ),
      await measure('SNS Publish', () => sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: '{}' }))),
    ];
    const perCall = costs.reduce((a, b) => a + b, 0) / costs.length;
    const perOrder = perCall * HANDLER_CALLS_PER_ORDER;
    console.log(
      `floor: ${HANDLER_CALLS_PER_ORDER} handler SDK calls per order × ${perCall.toFixed(2)} ms = ${perOrder.toFixed(0)} ms of CPU per order in the SDK alone, ` +
        `i.e. at most ${(1000 / perOrder).toFixed(0)} orders/s per core before any emulator, HTTP server or invocation work`,
    );
    dynamo.destroy();
    sns.destroy();
  } finally {
    server.kill();
  }
}

if (process.argv.includes('--serve')) serve();
else
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
