import { createHash } from 'node:crypto';
import type { SendToDestination } from '../lambda/destinations';
import type { BatchInfoKey } from '../lambda/invocation-record';
import type { StreamConsumerPlan } from '../provision/plan-streams';
import type { Invoker } from '../lambda/invoke';
import type { Tracer } from '../trace/tracer';
import type { Checkpoints } from './checkpoints';
import { deliverInOrder } from './batch-delivery';
import { createWakeSignal, type WakeSignal } from './wake-signal';
import type { LocalClock } from '../control/local-clock';

/** One stream record as a poller handles it, whatever the stream. */
export type PolledRecord = {
  sequenceNumber: string;
  /** When the record entered the stream, in ms. */
  arrivedAt: number;
  /** Records of one key stay in order across parallelizationFactor's concurrent batches. */
  partitionKey: string;
  /** The record exactly as Lambda puts it in event.Records (filter criteria apply to it). */
  lambdaRecord: Record<string, unknown>;
};

export type ShardPosition =
  | { type: 'TRIM_HORIZON' | 'LATEST' }
  | { type: 'AT_TIMESTAMP'; timestamp: Date }
  | { type: 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string };

export type Shard = { id: string; parentId?: string };

/** What the poller needs from one kind of stream (Kinesis, DynamoDB Streams). */
export type StreamSource = {
  batchInfoKey: BatchInfoKey;
  /** The stream's ARN, and what tells it from an earlier stream of the same name (for checkpoint keys). */
  describe(): Promise<{ streamArn: string; incarnation: string }>;
  shards(streamArn: string): Promise<Shard[]>;
  iterator(streamArn: string, shardId: string, position: ShardPosition): Promise<string | undefined>;
  /** A page of at most `limit` records; `atTip` when the shard has nothing more to read right now. */
  read(streamArn: string, shardId: string, iterator: string, limit: number): Promise<{ records: PolledRecord[]; next?: string; atTip: boolean }>;
};

export type PollerOptions = {
  region: string;
  accountId: string;
  checkpoints: Checkpoints;
  /** Pause between reads of an idle shard (AWS polls each shard about once a second). */
  idlePollMs: number;
  /** Notified when records are written (the embedded emulators do): an idle shard is read at once. */
  writes?: WakeSignal;
  retryDelayMs: number;
  log: (message: string) => void;
  invoke: Invoker;
  /** The traces: each retry of a batch is a hop of its records. */
  tracer?: Pick<Tracer, 'recordAbout'>;
  /** Filter criteria over the Lambda-shaped record: records it rejects are skipped, never invoked. */
  filter?: (record: Record<string, unknown>) => boolean;
  sendToDestination: SendToDestination;
  /** The local cloud's clock, which record ages are measured on (real time by default). */
  clock?: Pick<LocalClock, 'now' | 'toLocal'>;
  /** How long the stream keeps a record; with maximumRecordAgeInSeconds -1 older records expire (24 h, both services' default). */
  retentionSeconds?: number;
};

/** Where a mapping's position on one shard is kept: the stream's incarnation keeps a recreated stream from inheriting it. */
export const checkpointKey = (functionName: string, streamArn: string, incarnation: string, shardId: string) =>
  `${functionName}@${streamArn}@${incarnation}/${shardId}`;

/** A mistake in the mapping's configuration: said once, not retried. */
export class MappingConfigurationError extends Error {}

const DEFAULT_RETENTION_SECONDS = 24 * 3600;

/**
 * Lambda's event source mapping for a stream, over any StreamSource: a loop per shard (children after
 * their parent), batches gathered up to batchSize or batchWindow, filtered, split by partition key over
 * parallelizationFactor, delivered in order (batch-delivery.ts), checkpointed once done.
 */
export function startStreamPoller(plan: StreamConsumerPlan, source: StreamSource, options: PollerOptions) {
  const abort = new AbortController();
  const timer = createWakeSignal(); // never notified: a sleep that stop() cuts short
  const idle = options.writes ?? timer;
  const windowMs = plan.batchWindowSeconds * 1000;
  const maxAgeMs = (plan.maximumRecordAgeInSeconds >= 0 ? plan.maximumRecordAgeInSeconds : (options.retentionSeconds ?? DEFAULT_RETENTION_SECONDS)) * 1000;
  const startingPosition: ShardPosition =
    plan.startingPosition === 'AT_TIMESTAMP'
      ? { type: 'AT_TIMESTAMP', timestamp: new Date(plan.startingPositionTimestamp! * 1000) }
      : { type: plan.startingPosition };
  // Settles once every shard found at start has its position (LATEST is taken then): what is written
  // after that reaches the function. Also settles when the mapping cannot run, so nothing waits on it.
  let markPositioned!: () => void;
  const positioned = new Promise<void>((resolve) => (markPositioned = resolve));
  const unpositioned = new Set<string>();

  /** Runs `loop` again from the last checkpoint whenever it fails, until the poller stops. */
  const untilStopped = async function retryFromCheckpoint(what: string, loop: () => Promise<void>) {
    while (!abort.signal.aborted) {
      try {
        await loop();
        return;
      } catch (error) {
        if (abort.signal.aborted) return;
        markPositioned();
        if (error instanceof MappingConfigurationError) {
          options.log(`${plan.functionKey}: ${error.message}; its ${plan.source} event source is not run`);
          return;
        }
        options.log(`${plan.functionKey}: ${what}: ${(error as Error).message}; restarting from the last checkpoint`);
        await timer.sleep(1000, timer.generation(), abort.signal);
      }
    }
  };

  const pollStream = async function pollStream() {
    const { streamArn, incarnation } = await source.describe();
    const initial = new Set<string>();
    const started = new Set<string>();
    const finished = new Set<string>();
    const running = new Set<Promise<void>>();
    // A closed shard's children start once it is read to its end, so that each key's records stay in order.
    const startReadyShards = async () => {
      const shards = await source.shards(streamArn);
      const known = new Set(shards.map((s) => s.id));
      if (initial.size === 0) {
        for (const shard of shards) {
          initial.add(shard.id);
          unpositioned.add(shard.id);
        }
      }
      if (unpositioned.size === 0) markPositioned();
      for (const shard of shards) {
        if (started.has(shard.id) || (shard.parentId && known.has(shard.parentId) && !finished.has(shard.parentId))) continue;
        started.add(shard.id);
        // Shards found later hold only records written after the mapping started: read them whole.
        const position: ShardPosition = initial.has(shard.id) ? startingPosition : { type: 'TRIM_HORIZON' };
        const task = untilStopped(`shard ${shard.id}`, () =>
          pollShard(streamArn, checkpointKey(plan.functionName, streamArn, incarnation, shard.id), shard.id, position),
        ).then(async () => {
          finished.add(shard.id);
          if (!abort.signal.aborted) await untilStopped('listing shards', startReadyShards);
        });
        running.add(task);
        void task.finally(() => running.delete(task));
      }
    };
    await startReadyShards();
    while (running.size > 0) await Promise.race(running);
  };

  const pollShard = async function pollShard(streamArn: string, checkpointKey: string, shardId: string, position: ShardPosition) {
    const after = options.checkpoints.get(checkpointKey);
    let iterator = await source.iterator(streamArn, shardId, after ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: after } : position);
    if (unpositioned.delete(shardId) && unpositioned.size === 0) markPositioned();
    const checkpoint = (records: PolledRecord[]) => options.checkpoints.set(checkpointKey, records[records.length - 1].sequenceNumber);
    while (!abort.signal.aborted && iterator) {
      // Gather a batch: full, or the batch window (0 by default) elapsed since its first record was read.
      const batch: PolledRecord[] = [];
      let lastRead: string | undefined;
      let deadline = Infinity;
      let seen: number;
      let atTip: boolean;
      for (;;) {
        seen = idle.generation();
        const page = await source.read(streamArn, shardId, iterator, plan.batchSize - batch.length);
        iterator = page.next;
        atTip = page.atTip;
        if (page.records.length > 0) {
          lastRead = page.records[page.records.length - 1].sequenceNumber;
          batch.push(...(options.filter ? page.records.filter((r) => options.filter!(r.lambdaRecord)) : page.records));
          if (deadline === Infinity) deadline = Date.now() + windowMs;
        }
        if (!iterator || abort.signal.aborted || batch.length >= plan.batchSize || Date.now() >= deadline) break;
        if (atTip) await idle.sleep(Math.min(options.idlePollMs, deadline - Date.now()), seen, abort.signal);
      }
      if (lastRead === undefined) continue;
      const partitions = byPartition(batch, plan.parallelizationFactor);
      // With one partition the checkpoint follows each finished part; with several, the whole page.
      const progress = partitions.length === 1 ? checkpoint : () => undefined;
      const context = {
        plan,
        options,
        streamArn,
        shardId,
        batchInfoKey: source.batchInfoKey,
        maxAgeMs,
        signal: abort.signal,
        sleep: (ms: number) => timer.sleep(ms, timer.generation(), abort.signal),
      };
      const done = await Promise.all(partitions.map((records) => deliverInOrder(records, { ...context, progress })));
      if (!done.every(Boolean)) return; // stopped mid-batch: what is not done is not checkpointed
      options.checkpoints.set(checkpointKey, lastRead);
      // A read that reached the shard's tip needs no second, empty read when writes are signalled: the
      // sleep returns at once if anything was written since this read began.
      if (atTip && options.writes) await options.writes.sleep(options.idlePollMs, seen, abort.signal);
    }
  };

  const running = untilStopped('stream source', pollStream);

  void running.finally(markPositioned);
  return {
    /** Settles once the mapping took its starting position on every shard (or cannot run). */
    positioned,
    async stop() {
      abort.abort();
      await running;
    },
  };
}

/** The batch split by partition key into at most `factor` ordered parts (Lambda's ParallelizationFactor). */
function byPartition(records: PolledRecord[], factor: number): PolledRecord[][] {
  if (records.length === 0) return [];
  if (factor <= 1) return [records];
  const parts = new Map<number, PolledRecord[]>();
  for (const record of records) {
    const part = createHash('md5').update(record.partitionKey).digest().readUInt32BE(0) % factor;
    const list = parts.get(part);
    if (list) list.push(record);
    else parts.set(part, [record]);
  }
  return [...parts.values()];
}
