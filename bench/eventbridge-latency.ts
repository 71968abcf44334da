// Prints how long an event takes from PutEvents to its SQS target in the embedded local cloud:
// one event at a time, timed from the PutEvents call to the message received by a waiting long poll.
// `npx tsx bench/eventbridge-latency.ts` (BENCH_EVENTS events, 300 by default).
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createServer } from 'node:net';
import { startEmbedded } from '../offline/cloud/emulators/embedded';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 300);
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

async function main() {
  const [sqsPort, edgePort] = [await freePort(), await freePort()];
  const emulators = await startEmbedded({ region: REGION, accountId: ACCOUNT, sqsPort, edgePort, accessKeyId: 'test', log: console.error });
  const common = { region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const events = new EventBridgeClient({ ...common, endpoint: `http://127.0.0.1:${edgePort}` });
  const sqs = new SQSClient({ ...common, endpoint: `http://127.0.0.1:${sqsPort}` });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-target' }));
  await events.send(new PutRuleCommand({ Name: 'bench', EventPattern: JSON.stringify({ source: ['bench'], detail: { n: [{ numeric: ['>=', 0] }] } }) }));
  await events.send(new PutTargetsCommand({ Rule: 'bench', Targets: [{ Id: 'q', Arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:bench-target` }] }));

  const latencies: number[] = [];
  for (let n = 0; n < EVENTS; n++) {
    const received = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 1 }));
    const start = process.hrtime.bigint();
    await events.send(new PutEventsCommand({ Entries: [{ Source: 'bench', DetailType: 'Tick', Detail: JSON.stringify({ n }) }] }));
    const { Messages = [] } = await received;
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (Messages.length !== 1) throw new Error(`event ${n} did not arrive`);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages[0].ReceiptHandle }));
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(2);
  console.log(`PutEvents -> SQS target, ${EVENTS} events one at a time: p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`);
  events.destroy();
  sqs.destroy();
  await emulators.stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
