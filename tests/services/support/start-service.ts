import '../../offline/support/quiet-sdk';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { eventually } from '../../offline/support/eventually';
import { freePorts } from '../../offline/support/ports';
import { stopProcessGroup } from '../../support/process-group';

const ROOT = join(__dirname, '..', '..', '..');
const STARTUP_TIMEOUT_MS = 120_000;
export const REGION = 'us-east-1';
export const ACCOUNT_ID = '000000000000';

export type RunningService = Awaited<ReturnType<typeof startService>>;

/**
 * Starts a test service as `npm start` starts orderflow (`serverless offline start --stage local`,
 * in its own folder and process group) on free ports, with `env` added to its environment, and waits
 * for its ready line.
 */
export async function startService(name: string, env: Record<string, string> = {}) {
  const [http, lambda, sqs, edge, openapi, consolePort] = await freePorts(6);
  const stateDir = mkdtempSync(join(tmpdir(), `${name}-state-`));
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js'), 'offline', 'start', '--stage', 'local'], {
    cwd: join(__dirname, '..', name),
    env: {
      ...process.env,
      LOCAL_HTTP_PORT: String(http),
      LOCAL_LAMBDA_PORT: String(lambda),
      LOCAL_SQS_PORT: String(sqs),
      LOCAL_EDGE_PORT: String(edge),
      LOCAL_OPENAPI_PORT: String(openapi),
      LOCAL_CONSOLE_PORT: String(consolePort),
      LOCAL_CLOUD: 'embedded',
      RELAY_STATE_DIR: stateDir,
      LOCAL_CLOUD_FRESH: '1',
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      ...env,
    },
    detached: true, // its own process group: stopping it stops serverless-offline's workers and the cloud's process too
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString());
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const stop = async () => {
    await stopProcessGroup(child.pid!);
    for (const client of Object.values(sdk)) client.destroy();
    rmSync(stateDir, { recursive: true, force: true });
  };

  const common = { region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const endpoint = `http://127.0.0.1:${edge}`;
  const sdk = {
    sqs: new SQSClient({ ...common, endpoint: `http://127.0.0.1:${sqs}` }),
    sns: new SNSClient({ ...common, endpoint }),
    s3: new S3Client({ ...common, endpoint, forcePathStyle: true }),
    dynamodb: new DynamoDBClient({ ...common, endpoint }),
    kinesis: new KinesisClient({ ...common, endpoint, requestHandler: new NodeHttpHandler() }),
    eventbridge: new EventBridgeClient({ ...common, endpoint }),
  };

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} was not ready after ${STARTUP_TIMEOUT_MS} ms:\n${output.slice(-4000)}`)), STARTUP_TIMEOUT_MS);
    const ready = () => {
      if (!output.includes(`${name} local cloud ready`)) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout.on('data', ready);
    child.stderr.on('data', ready);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready:\n${output.slice(-4000)}`));
    });
  }).catch(async (error) => {
    await stop();
    throw error;
  });

  return {
    http: `http://127.0.0.1:${http}`,
    /** The local cloud's console (its page and JSON API). */
    console: `http://127.0.0.1:${consolePort}`,
    /** Where custom.localCloud.openapi is served, for a service that sets it. */
    openapi: `http://127.0.0.1:${openapi}`,
    sdk,
    queueUrl: (queue: string) => `http://127.0.0.1:${sqs}/${ACCOUNT_ID}/${queue}`,
    arn: (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${resource}`,
    /** Everything the service printed so far. */
    output: () => output,
    /**
     * The payloads a trigger's handler recorded in the sink table whose text holds `marker`, in the
     * order they arrived, once there are `count` of them.
     */
    recorded: (trigger: string, marker: string, count = 1, timeoutMs = 20_000) =>
      eventually(
        async () => {
          const { Items = [] } = await sdk.dynamodb.send(new ScanCommand({ TableName: `${name}-local-sink`, ConsistentRead: true }));
          const found = Items.filter((item) => item.trigger?.S === trigger && item.payload?.S?.includes(marker))
            .sort((a, b) => (BigInt(a.recordedAt.N!) < BigInt(b.recordedAt.N!) ? -1 : 1))
            .map((item) => JSON.parse(item.payload.S!));
          return found.length >= count ? found : undefined;
        },
        `${count} record(s) of ${trigger} holding ${marker}`,
        timeoutMs,
        100,
      ),
    stop,
  };
}
