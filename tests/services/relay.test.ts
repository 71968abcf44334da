import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { eventually } from '../offline/support/eventually';
import { clearFaults, consoleOk, injectFault } from '../support/console-api';
import { startService, type RunningService } from './support/start-service';

// tests/services/relay: a service that is not orderflow (plain CommonJS handlers, no esbuild), started
// through `serverless offline start` like any service would be; each trigger must reach its handler.
// Each case waits up to 20 s for its sink record (stream pollers, async retries).
jest.setTimeout(30_000);

describe('the local cloud, running the relay service', () => {
  let relay: RunningService;
  let marker: string;

  beforeAll(async () => {
    relay = await startService('relay');
  }, 150_000);
  afterAll(() => relay?.stop(), 30_000);
  beforeEach(() => (marker = randomUUID()));

  it('answers HTTP through serverless-offline, with custom.localCloud.environment over provider.environment', async () => {
    const response = await fetch(`${relay.http}/greet?marker=${marker}`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ greeting: 'hello from custom.localCloud.environment' });
    expect(await relay.recorded('http', marker)).toEqual([{ marker }]);
  });

  it('delivers an SNS message to its subscriber', async () => {
    const topicArn = relay.arn('sns', 'relay-local-alerts');

    await relay.sdk.sns.send(new PublishCommand({ TopicArn: topicArn, Message: marker }));

    expect(await relay.recorded('sns', marker)).toEqual([{ topicArn, message: marker }]);
  });

  it('creates a topic named by ARN but declared nowhere, says so, and delivers from it', async () => {
    const topicArn = relay.arn('sns', 'relay-local-legacy-alerts');

    await relay.sdk.sns.send(new PublishCommand({ TopicArn: topicArn, Message: marker }));

    expect(await relay.recorded('sns', marker)).toEqual([{ topicArn, message: marker }]);
    expect(relay.output()).toContain('onLegacyAlert: sns topic relay-local-legacy-alerts is not declared in resources; created locally');
  });

  it('delivers an SQS message to its consumer (serverless-offline-sqs)', async () => {
    const body = JSON.stringify({ kind: 'job', marker });

    await relay.sdk.sqs.send(new SendMessageCommand({ QueueUrl: relay.queueUrl('relay-local-jobs'), MessageBody: body }));

    expect(await relay.recorded('sqs', marker)).toEqual([{ queue: relay.arn('sqs', 'relay-local-jobs'), body }]);
  });

  it('delivers a Kinesis record to its consumer', async () => {
    await relay.sdk.kinesis.send(new PutRecordCommand({ StreamName: 'relay-local-clicks', PartitionKey: marker, Data: Buffer.from(marker) }));

    expect(await relay.recorded('kinesis', marker)).toEqual([marker]);
  });

  it('delivers an S3 upload under the prefix to its function, and not one outside it', async () => {
    await relay.sdk.s3.send(new PutObjectCommand({ Bucket: 'relay-local-uploads', Key: `elsewhere/${marker}.txt`, Body: 'x' }));
    await relay.sdk.s3.send(new PutObjectCommand({ Bucket: 'relay-local-uploads', Key: `incoming/${marker}.txt`, Body: 'x' }));

    const records = await relay.recorded('s3', marker);
    expect(records).toEqual([{ bucket: 'relay-local-uploads', key: `incoming/${marker}.txt`, eventName: 'ObjectCreated:Put' }]);
  });

  it('ran the seed module (custom.localCloud.seed, plain JavaScript) with the local environment', async () => {
    const { Item } = await relay.sdk.dynamodb.send(new GetItemCommand({ TableName: 'relay-local-sink', Key: { pk: { S: 'seeded' } } }));

    expect(Item?.payload).toEqual({ S: 'hello from custom.localCloud.environment' });
  });

  it('serves custom.localCloud.openapi at GET /openapi.json on its port, servers pointing at the local API, and says where', async () => {
    const response = await fetch(`${relay.openapi}/openapi.json`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const declared = JSON.parse(readFileSync(join(__dirname, 'relay', 'openapi.json'), 'utf8'));
    expect(await response.json()).toEqual({ ...declared, servers: [{ url: relay.http, description: 'the local cloud' }] });
    expect(relay.output()).toMatch(new RegExp(`relay local cloud ready in .* · OpenAPI ${relay.openapi}/openapi\\.json`));
    expect((await fetch(`${relay.openapi}/`)).status).toBe(404);
    expect((await fetch(`${relay.openapi}/openapi.json`, { method: 'POST' })).status).toBe(405);
  });

  it("serves its console: the service's wiring, the trace of a request, a fault that fails the next invocation", async () => {
    const wiring = await consoleOk(relay.console, 'GET', '/api/wiring');
    expect(wiring.nodes.map((node: { id: string }) => node.id)).toEqual(expect.arrayContaining(['function:greet', 'function:onJob', 'function:onClick']));

    const correlationId = `relay-${marker}`;
    expect((await fetch(`${relay.http}/greet?marker=${marker}`, { headers: { 'x-correlation-id': correlationId } })).status).toBe(200);
    type Hop = { kind: string; function?: string; outcome: string };
    const hops = await eventually(async () => {
      const trace = await fetch(`${relay.console}/api/traces/${correlationId}`);
      return trace.status === 200 ? ((await trace.json()) as { hops: Hop[] }).hops : undefined;
    }, 'the trace of the request');
    expect(hops.map((hop) => [hop.kind, hop.function, hop.outcome])).toEqual([
      ['http', 'greet', 'ok'],
      ['invocation', 'greet', 'ok'],
    ]);

    await injectFault(relay.console, { function: 'greet', mode: 'error', count: 1 });
    try {
      const failed = await fetch(`${relay.http}/greet?marker=${marker}`);
      expect({ status: failed.status, body: await failed.json() }).toEqual({ status: 500, body: { message: 'Internal Server Error' } });
      expect((await fetch(`${relay.http}/greet?marker=${marker}`)).status).toBe(200);
    } finally {
      await clearFaults(relay.console);
    }
  });

  it('printed one warning line for the property it does not run', () => {
    const lines = relay
      .output()
      .split('\n')
      .filter((line) => line.includes('tumblingWindowInSeconds'));

    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('onClick: stream.tumblingWindowInSeconds is not run locally');
  });
});
