import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { eventually, sleep } from '../support/eventually';
import { freePorts } from '../support/ports';
import { startTestCloud, type TestCloud } from '../support/test-cloud';

/*
 * The patched serverless-offline (patches/serverless-offline+13.9.0.patch) and serverless-offline-sqs, run
 * by `serverless offline start` over a service of the test's own (service/): what an HTTP API hands a
 * function and answers a client, and Lambda's timeout over HTTP and SQS.
 */

const SERVICE_DIR = join(__dirname, 'service');
const SERVERLESS = join(__dirname, '../../../node_modules/serverless/bin/serverless.js');
jest.setTimeout(60_000);

type Offline = { api: string; output: () => string; stop(): Promise<void> };

async function startOffline(inProcess: boolean, sqsEndpoint: string, queue: string): Promise<Offline> {
  const [httpPort, lambdaPort] = await freePorts(2);
  const env = {
    ...process.env,
    PATCH_TEST_HTTP_PORT: String(httpPort),
    PATCH_TEST_LAMBDA_PORT: String(lambdaPort),
    PATCH_TEST_IN_PROCESS: String(inProcess),
    PATCH_TEST_SQS_ENDPOINT: sqsEndpoint,
    PATCH_TEST_QUEUE: queue,
    SLS_TELEMETRY_DISABLED: '1',
  };
  const child: ChildProcess = spawn(process.execPath, [SERVERLESS, 'offline', 'start', '--stage', 'test'], { cwd: SERVICE_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const api = `http://127.0.0.1:${httpPort}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGINT');
    await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
    await exited;
  };
  try {
    await eventually(() => (child.exitCode !== null ? Promise.reject(new Error(output)) : fetch(`${api}/echo`).then((r) => (r.ok ? true : undefined), () => undefined)), 'serverless offline to listen', 30_000, 100);
  } catch (error) {
    await stop();
    throw error;
  }
  return { api, output: () => output, stop };
}

type Echo = { body: string | null; isBase64Encoded: boolean; contentType: string | null; cookies: string[] | null };

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (value: string) => new TextEncoder().encode(value);
const base64 = (value: Uint8Array) => Buffer.from(value).toString('base64');

// What API Gateway (HTTP API, payload 2.0) hands the function: text for textual media types with UTF-8 bytes, base64 otherwise.
const BODIES: { label: string; contentType?: string; body: Uint8Array; text: boolean }[] = [
  { label: 'JSON', contentType: 'application/json', body: text('{"a":"é"}'), text: true },
  { label: 'JSON with a charset', contentType: 'application/json; charset=utf-8', body: text('{"a":1}'), text: true },
  { label: 'a +json media type', contentType: 'application/vnd.orderflow+json', body: text('{"a":1}'), text: true },
  { label: 'plain text', contentType: 'text/plain', body: text('héllo'), text: true },
  { label: 'malformed JSON', contentType: 'application/json', body: text('{"items":'), text: true },
  { label: 'JSON media type, bytes not UTF-8', contentType: 'application/json', body: bytes(0x7b, 0xff, 0xfe, 0x7d), text: false },
  { label: 'octet-stream', contentType: 'application/octet-stream', body: bytes(0, 1, 2, 255), text: false },
  { label: 'a form', contentType: 'application/x-www-form-urlencoded', body: text('a=1&b=2'), text: false },
  { label: 'multipart', contentType: 'multipart/form-data; boundary=----x', body: text('------x--'), text: false },
  { label: 'no content type', body: text('{"a":1}'), text: false },
  { label: 'an unparsable content type', contentType: 'application/json; charset', body: text('{"a":1}'), text: true },
  { label: 'a content type of separators', contentType: ';;;', body: text('{"a":1}'), text: false },
  { label: 'a media type without subtype', contentType: 'text/', body: text('x'), text: true },
  { label: 'a content type with an empty parameter name', contentType: 'application/json; =x', body: text('{}'), text: true },
];

describe.each([
  ['in this process', true],
  ['in worker threads', false],
])('serverless-offline, patched, with its functions %s', (_label, inProcess) => {
  let cloud: TestCloud;
  let offline: Offline;
  const queue = `sleepy-${inProcess ? 'in-process' : 'workers'}`;
  let queueUrl: string;
  let dlqUrl: string;

  beforeAll(async () => {
    cloud = await startTestCloud();
    dlqUrl = await cloud.createQueue(`${queue}-dlq`);
    queueUrl = await cloud.createQueue(queue, { VisibilityTimeout: '2', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: cloud.queueArn(`${queue}-dlq`), maxReceiveCount: 2 }) });
    offline = await startOffline(inProcess, cloud.sqsEndpoint, queue);
  });

  afterAll(async () => {
    await offline?.stop();
    await cloud?.stop();
  });

  const post = (path: string, body: Uint8Array | undefined, headers: Record<string, string> = {}) => fetch(`${offline.api}${path}`, { method: 'POST', headers, body });

  it.each(BODIES)('hands the function $label as an HTTP API does (text: $text)', async ({ contentType, body, text: asText }) => {
    const response = await post('/echo', body, contentType === undefined ? {} : { 'content-type': contentType });

    expect(response.status).toBe(200);
    const echo = (await response.json()) as Echo;
    expect(echo).toMatchObject({ isBase64Encoded: !asText, body: asText ? Buffer.from(body).toString('utf8') : base64(body), contentType: contentType ?? null });
  });

  it('hands a compressed body over as it came, base64-encoded', async () => {
    const body = gzipSync('{"a":1}');

    const echo = (await (await post('/echo', body, { 'content-type': 'application/json', 'content-encoding': 'gzip' })).json()) as Echo;

    expect(echo).toMatchObject({ isBase64Encoded: true, body: base64(body) });
  });

  it("passes the Cookie header's pairs on as they came, even ones hapi would refuse", async () => {
    const echo = (await (await post('/echo', text('{}'), { 'content-type': 'application/json', cookie: 'a=1; b=%zz;; bad"cookie' })).json()) as Echo;

    expect(echo.cookies).toEqual(['a=1', 'b=%zz', 'bad"cookie']);
  });

  it.each([
    ['POST', '/nope', { 'content-type': 'application/json' }, '{"items":'],
    ['PUT', '/echo', { 'content-type': 'application/json; charset' }, '{}'],
    ['DELETE', '/echo', { 'content-type': ';;;' }, 'x'],
    ['POST', '/echo/more', { cookie: 'bad"cookie' }, '{}'],
  ])('answers a request to a route it does not have (%s %s) 404 {"message":"Not Found"}, whatever its body', async (method, path, headers, body) => {
    const response = await fetch(`${offline.api}${path}`, { method, headers, body });

    expect({ status: response.status, body: await response.json() }).toEqual({ status: 404, body: { message: 'Not Found' } });
  });

  it('adds no CORS headers and answers OPTIONS by its routes when the HTTP API has no CORS configuration', async () => {
    const response = await fetch(`${offline.api}/echo`, { method: 'OPTIONS', headers: { origin: 'http://elsewhere.example' } });

    expect({ status: response.status, body: await response.json(), allowOrigin: response.headers.get('access-control-allow-origin') }).toEqual({ status: 404, body: { message: 'Not Found' }, allowOrigin: null });
  });

  it('answers a body over 10 MB as an HTTP API does', async () => {
    const response = await post('/echo', new Uint8Array(10 * 1024 * 1024 + 1), { 'content-type': 'application/octet-stream' });

    expect({ status: response.status, body: await response.json() }).toEqual({ status: 413, body: { message: 'Request Entity Too Large' } });
  });

  it("stops a function at its timeout, answers 500 {\"message\":\"Internal Server Error\"}, logs Lambda's message, and runs the next invocations normally", async () => {
    const started = Date.now();
    const timedOut = await fetch(`${offline.api}/sleepy?slow=true`);
    const elapsed = Date.now() - started;

    expect({ status: timedOut.status, body: await timedOut.json() }).toEqual({ status: 500, body: { message: 'Internal Server Error' } });
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(2500);
    expect(offline.output()).toMatch(/Task timed out after 1\.00 seconds/);
    for (let i = 0; i < 3; i++) {
      const next = await fetch(`${offline.api}/sleepy`);
      expect({ status: next.status, body: await next.json() }).toEqual({ status: 200, body: { ok: true } });
    }
    const again = await fetch(`${offline.api}/sleepy?slow=true`);
    expect(again.status).toBe(500);
  });

  it('returns an SQS message whose invocation timed out to its queue, sends it to the DLQ after maxReceiveCount, then handles the next message normally', async () => {
    await cloud.sdk.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'slow' }));

    const [dead] = await cloud.receive(dlqUrl, 1, 15_000);
    expect(dead.Body).toBe('slow');
    expect(offline.output()).toMatch(/Task timed out after 1\.00 seconds/);

    await cloud.sdk.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'fast' }));
    const inQueue = async () => {
      const { Attributes = {} } = await cloud.sdk.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
      return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
    };
    await eventually(async () => ((await inQueue()) === 0 ? true : undefined), 'the fast message to be handled and deleted', 10_000);
    // Had it timed out on a dead worker, it would come back after 2 s and reach the DLQ after 4.
    await sleep(4500);
    expect(await cloud.drain(dlqUrl)).toEqual([]);
    expect(await inQueue()).toBe(0);
  });
});
