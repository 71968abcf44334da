import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, paginateListTables } from '@aws-sdk/client-dynamodb';
import { createRequestHandler } from 'local-aws-sqs';
import { createStreamStore, type Item, type StreamStoreOptions, type StreamTable } from './dynamodb-stream-store';
import { createDynamoDbStreamsApi, EMBEDDED_STREAM_LABEL, isStreamsRequest, type TableLookup } from './dynamodb-streams';
import { createEdgeRouter, createForwarder } from './edge-router';
import { createSnsService, type SqsDelivery } from './sns-server';
import { createS3Notifications } from './s3-notifications';
import { createEventBridgeService } from './eventbridge';
import { compileEventPattern, eventPatternErrors } from '../patterns/event-pattern';
import { listenOn } from './listen';
import { openSqsJournal } from './sqs-journal';
import { readBody } from './read-body';
import { tapRequest, type CloudObserver } from '../trace/api-tap';
import { imageCorrelation, keysOfEvent } from '../trace/correlation';

// Emulators without type declarations of their own.

const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;

const kinesalite = require('kinesalite') as (options: Record<string, unknown>) => Server;

const S3rver = require('s3rver');

const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account');

export type EmbeddedOptions = {
  region: string;
  accountId: string;
  sqsPort: number;
  edgePort: number;
  accessKeyId: string;
  log: (message: string) => void;
  /** Delay before retry n of a failed EventBridge delivery (EventBridge's own backoff by default). */
  eventBridgeRetryDelayMs?: (retry: number) => number;
  /**
   * Called after each PutRecord(s) the Kinesis emulator answered, and after DynamoDB writes that
   * added stream records (once per turn of the event loop, however many).
   */
  onStreamWrite?: () => void;
  /** DynamoDB streams' retention and memory bounds, and their clock (defaults: 24 hours, Date.now). */
  dynamodbStreams?: Pick<StreamStoreOptions, 'retentionMs' | 'maxRecordsPerStream' | 'maxBytesPerStream' | 'now'>;
  /**
   * Where the emulators keep their data across restarts (tables, streams, buckets, queues' messages);
   * without it everything is in memory and goes with the process.
   */
  stateDir?: string;
  /** The traces and faults (console): sees the publishes and deliveries, and may answer a call with an AWS error. */
  observer?: CloudObserver;
};

export type RunningEmulators = {
  /**
   * Puts the queues' messages of the last run back (once the queues exist: after provisioning) and
   * journals them from then on; says how many, and what could not be restored. Nothing without a stateDir.
   */
  restoreQueues(): { restored: number; dropped: string[] };
  /**
   * Moves every pending timer of the queues (delays, visibility timeouts) by `ms`: earlier when
   * negative (the local clock advanced), later when positive (held while the functions are paused in
   * a debugger). Returns how many came due.
   */
  shiftQueueTimers(ms: number): number;
  stop(): Promise<void>;
};

/**
 * The embedded local cloud: SQS on its own port (like ElasticMQ) and one edge port (like
 * LocalStack's) in front of DynamoDB (dynalite), Kinesis (kinesalite), S3 (s3rver), SNS and EventBridge (ours).
 * In memory, or on disk in `stateDir`; bound to 127.0.0.1.
 */
export async function startEmbedded(options: EmbeddedOptions): Promise<RunningEmulators> {
  const servers: Server[] = [];
  const state = options.stateDir;
  const inState = (name: string) => {
    mkdirSync(join(state!, name), { recursive: true });
    return join(state!, name);
  };
  if (state) claimStateDir(state);
  const s3Dir = state ? inState('s3') : mkdtempSync(join(tmpdir(), 'orderflow-s3-'));
  const closers: (() => unknown)[] = [];
  const self = new DynamoDBClient({
    region: options.region,
    endpoint: `http://127.0.0.1:${options.edgePort}`,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.accessKeyId },
  });
  const stop = async () => {
    self.destroy();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    for (const close of closers) await close();
    if (!state) rmSync(s3Dir, { recursive: true, force: true });
    else rmSync(join(state, 'owner.pid'), { force: true });
  };
  let restoreQueues: RunningEmulators['restoreQueues'] = () => ({ restored: 0, dropped: [] });
  try {
    const { requestHandler, service: sqsService } = createRequestHandler({
      port: options.sqsPort,
      hostname: '127.0.0.1',
      accountId: options.accountId,
      region: options.region,
      emulateQueueCreationLifecycle: false,
      baseUrl: '/',
    });
    const sqs = await listenOn(
      createServer((req, res) => void (tapRequest(options.observer, 'sqs', req, res) || requestHandler(req, res))),
      options.sqsPort,
      'SQS',
    );
    servers.push(sqs);
    if (state) {
      const journal = openSqsJournal(join(state, 'sqs-messages.jsonl'), sqsService as never);
      restoreQueues = journal.restore;
      closers.push(journal.close);
    }

    // DynamoDB and Kinesis answer on the edge port itself: their request handlers run in-process,
    // which spares every call a second HTTP round trip through a port of their own. Their stores
    // are LevelDB databases in the state directory (in memory without one).
    // dynalite (patched, see patches/README.md) tells every committed item write to the stream store,
    // which keeps the records of tables created with a stream; the Streams API on top is ours.
    const streams = createStreamStore({
      ...options.dynamodbStreams,
      region: options.region,
      onRecords: options.onStreamWrite,
      journalPath: state && join(state, 'dynamodb-streams.jsonl'),
    });
    closers.push(streams.close);
    const dynamo = dynalite({
      ...(state && { path: inState('dynamodb') }),
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
      region: options.region,
      accountId: options.accountId,
      streamLabel: () => EMBEDDED_STREAM_LABEL,
      onItemWrite: observeStreamWrites(streams, options.observer),
    });
    const dynamoRoute = requestHandlerOf(dynamo);
    const streamsRoute = createDynamoDbStreamsApi(streams, tablesThrough(self));
    const dynamodbOrStreams = (req: IncomingMessage, res: ServerResponse) => (isStreamsRequest(req) ? streamsRoute(req, res) : dynamoRoute(req, res));
    const kinesis = kinesalite({ ...(state && { path: inState('kinesis') }), createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50 });
    const kinesisRoute = withWriteNotice(requestHandlerOf(kinesis), options.onStreamWrite);

    // s3rver checks only that the access key is known (it does not verify SigV4): make ours known.
    DUMMY_ACCOUNT.createKeyPair(options.accessKeyId, options.accessKeyId);
    const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3Dir, allowMismatchedSignatures: true, vhostBuckets: false });
    const s3Address = (await s3.run()) as AddressInfo;
    servers.push((s3.httpServer as Server).unref());

    // SNS and S3 deliver inside the cloud, as in AWS: straight into the queue's store, where a waiting
    // long poll is woken, rather than through the SQS API (an SDK call and an HTTP request per delivery).
    const sendToQueue: SqsDelivery = async (queueArn, body, attributes = {}) => {
      const name = queueArn.split(':').pop();
      const queue = sqsService.Queues.find((q) => q.QueueName === name);
      if (!queue) throw new Error(`queue ${name} does not exist`);
      if (options.observer?.tracing) {
        const keys = keysOfEvent({ Records: [{ eventSource: 'aws:sqs', body, messageAttributes: attributes }] });
        options.observer.record({ kind: 'delivery', at: Date.now(), outcome: 'ok', service: 'sqs', action: 'deliver', target: name }, keys);
      }
      queue.setRecord({
        MessageBody: body,
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([k, a]) => [k, { DataType: a.DataType === 'Number' ? 'Number' : 'String', StringValue: a.StringValue }]),
        ),
      });
    };
    const onError = (error: unknown) => options.log(`delivery failed: ${(error as Error).message}`);
    const sns = createSnsService({
      region: options.region,
      accountId: options.accountId,
      endpoint: `http://127.0.0.1:${options.edgePort}`,
      deliver: sendToQueue,
      onDeliveryError: onError,
      observer: options.observer,
    });
    const events = createEventBridgeService({
      region: options.region,
      accountId: options.accountId,
      patterns: { compile: compileEventPattern, errors: eventPatternErrors },
      sendToQueue,
      publishToTopic: sns.publish,
      log: options.log,
      retryDelayMs: options.eventBridgeRetryDelayMs,
    });
    const notifications = createS3Notifications({ region: options.region, send: sendToQueue, onError });
    s3.on('event', (event: { Records: { eventName: string; s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } } }[] }) => {
      for (const record of event.Records) {
        notifications.objectEvent({
          bucket: record.s3.bucket.name,
          key: record.s3.object.key,
          eventName: record.eventName,
          size: record.s3.object.size,
          eTag: record.s3.object.eTag,
        });
      }
    });

    const s3Route = async (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://edge');
      if (url.searchParams.has('notification')) {
        const bucket = url.pathname.split('/')[1];
        if (notifications.handle(bucket, req, res, await readBody(req))) return;
      }
      forward(s3Address.port, req, res);
    };
    const forward = createForwarder();
    const edge = createEdgeRouter(
      { dynamodb: dynamodbOrStreams, 'streams.dynamodb': streamsRoute, kinesis: kinesisRoute, sns, events, s3: s3Route, sqs: options.sqsPort },
      forward,
      (service, req, res) => tapRequest(options.observer, service, req, res),
    );
    servers.push(await listenOn(edge, options.edgePort, 'AWS edge'));
    if (state) {
      // dynalite closes its database only through its server's close(), which first stops a listening
      // server (and gives up on one that never listened): so it listens, on a port nobody is told of.
      await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
      closers.push(
        () => closeServer(dynamo),
        () => closeServer(kinesis),
      );
    }
    // __shiftTimers: added by our patch of local-aws-sqs (patches/README.md).
    const timersOf = (queue: unknown) => queue as { __shiftTimers(ms: number): number };
    const shiftQueueTimers = (ms: number) => sqsService.Queues.reduce((due, queue) => due + timersOf(queue).__shiftTimers(ms), 0);
    return { restoreQueues: () => restoreQueues(), shiftQueueTimers, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** The tables as the embedded DynamoDB describes them, asked through the SDK like any client would. */
function tablesThrough(dynamodb: DynamoDBClient): TableLookup {
  return {
    async list() {
      const names: string[] = [];
      for await (const page of paginateListTables({ client: dynamodb }, {})) names.push(...(page.TableNames ?? []));
      return names;
    },
    async describe(TableName) {
      try {
        const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName }));
        if (!Table) return undefined;
        return { ...Table, CreationDateTime: Table.CreationDateTime && Table.CreationDateTime.getTime() / 1000 } as StreamTable;
      } catch (error) {
        if ((error as Error).name === 'ResourceNotFoundException') return undefined;
        throw error;
      }
    },
  };
}

/** One local cloud at a time on a state directory: a second one would fail deep in LevelDB's lock. */
function claimStateDir(state: string): void {
  mkdirSync(state, { recursive: true });
  refuseStateDirInUse(state);
  writeFileSync(join(state, 'owner.pid'), String(process.pid));
}

/**
 * Throws when another running local cloud owns `state` (its owner.pid names a live process). Checked
 * before anything in it is touched: a `--fresh` start must not wipe the files of a cloud that is running.
 */
export function refuseStateDirInUse(state: string): void {
  let pid = NaN;
  try {
    pid = Number(readFileSync(join(state, 'owner.pid'), 'utf8'));
  } catch {
    // nobody's
  }
  if (pid && pid !== process.pid && isAlive(pid))
    throw new Error(`The state directory ${state} is in use by another local cloud (process ${pid}); stop it, or set LOCAL_CLOUD_STATE_DIR`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Closes an emulator's server, and with it its database (kinesalite reports its never-started server: ignored). */
const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** The request handler an emulator built its (never started) HTTP server with. */
const requestHandlerOf = (server: Server) => server.listeners('request')[0] as Handler;

/** The stream store's write hook, telling the traces of each write that carries a correlation id to a table with a stream. */
function observeStreamWrites(streams: ReturnType<typeof createStreamStore>, observer: CloudObserver | undefined) {
  if (!observer?.tracing) return streams.itemWritten;
  return (table: StreamTable, oldItem: Item | undefined, newItem: Item | undefined) => {
    streams.itemWritten(table, oldItem, newItem);
    const correlationId = imageCorrelation(newItem) ?? imageCorrelation(oldItem);
    if (!correlationId || !streams.streamOf(table)) return;
    const action = !oldItem ? 'INSERT' : newItem ? 'MODIFY' : 'REMOVE';
    observer.record(
      { kind: 'publish', at: Date.now(), outcome: 'ok', service: 'dynamodb', action, target: table.TableName },
      { correlationIds: [correlationId], links: [] },
    );
  };
}

/** Calls `notice` once a PutRecord or PutRecords has been answered. */
function withWriteNotice(handler: Handler, notice: (() => void) | undefined): Handler {
  if (!notice) return handler;
  return (req, res) => {
    if (/^Kinesis_\d+\.PutRecords?$/.test(String(req.headers['x-amz-target'] ?? ''))) res.once('finish', notice);
    handler(req, res);
  };
}
