import { DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type _Record } from '@aws-sdk/client-kinesis';
import { SendMessageCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import type { LocalClients } from '../provision/clients';
import type { StreamConsumerPlan } from '../provision/plan';
import type { Checkpoints } from './checkpoints';
import { functionArn, kinesisBatchInfo, streamFailureRecord } from '../lambda/invocation-record';
import { lambdaApiInvoker, type Invoker } from '../lambda/invoke';
import type { WakeSignal } from './wake-signal';

export type StreamOptions = {
  clients: LocalClients;
  region: string;
  accountId: string;
  checkpoints: Checkpoints;
  /** Pause between reads of an idle shard (AWS polls each shard about once a second). */
  idlePollMs: number;
  /** Notified when records are written (the embedded Kinesis does): an idle shard is read at once. */
  writes?: WakeSignal;
  retryDelayMs: number;
  log: (message: string) => void;
  /** How the function is invoked; by default through the Lambda API of `clients.lambda`. */
  invoke?: Invoker;
};

type Batch = { records: _Record[]; attempts: number };

/**
 * Lambda's Kinesis event source mapping, one loop per shard: a failing batch blocks its shard and is
 * retried in order; bisectBatchOnFunctionError halves it to isolate a poison record; a partial batch
 * response resumes from the first failed record; maximumRetryAttempts and maximumRecordAgeInSeconds
 * end retries, and the discarded batch is described to the on-failure destination.
 */
export function startStreamConsumer(plan: StreamConsumerPlan, options: StreamOptions) {
  const { kinesis, sqs } = options.clients;
  const abort = new AbortController();
  const arn = functionArn(options.region, options.accountId, plan.functionName);
  const invoke = options.invoke ?? lambdaApiInvoker(options.clients.lambda);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const run = async () => {
    const { StreamDescriptionSummary: summary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: plan.stream }));
    const streamArn = summary!.StreamARN!;
    const epoch = summary!.StreamCreationTimestamp?.getTime() ?? 0;
    const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: plan.stream }));
    // Each shard recovers on its own: one failing shard must not restart (and double) the others.
    await Promise.all(Shards.map((shard) => untilStopped(`shard ${shard.ShardId}`, () => consumeShard(streamArn, shard.ShardId!, `${streamArn}@${epoch}/${shard.ShardId}`))));
  };

  /** Runs `loop` again from the last checkpoint whenever it fails, until the consumer stops. */
  const untilStopped = async (what: string, loop: () => Promise<void>) => {
    while (!abort.signal.aborted) {
      try {
        await loop();
        return;
      } catch (error) {
        if (abort.signal.aborted) return;
        options.log(`${plan.functionKey}: ${what}: ${(error as Error).message}; restarting from the last checkpoint`);
        await sleep(1000);
      }
    }
  };

  const consumeShard = async (streamArn: string, shardId: string, checkpointKey: string) => {
    const after = options.checkpoints.get(checkpointKey);
    let { ShardIterator: iterator } = await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: plan.stream,
        ShardId: shardId,
        ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after } : { ShardIteratorType: plan.startingPosition }),
      }),
    );
    while (!abort.signal.aborted && iterator) {
      const seen = options.writes?.generation() ?? 0;
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: plan.batchSize }));
      iterator = page.NextShardIterator;
      const records = page.Records ?? [];
      if (records.length > 0) {
        if (!(await processInOrder(streamArn, shardId, records))) return; // stopped mid-batch: no checkpoint
        options.checkpoints.set(checkpointKey, records[records.length - 1].SequenceNumber!);
      }
      // A read that reached the shard's tip needs no second, empty read when writes are signalled: the
      // sleep returns at once if anything was written since this read began.
      const atTip = records.length === 0 || (options.writes !== undefined && records.length < plan.batchSize && page.MillisBehindLatest === 0);
      if (atTip) await (options.writes ? options.writes.sleep(options.idlePollMs, seen, abort.signal) : sleep(options.idlePollMs));
    }
  };

  /** Works through the records until each one succeeded or was discarded; the shard waits meanwhile. */
  const processInOrder = async (streamArn: string, shardId: string, records: _Record[]): Promise<boolean> => {
    const pending: Batch[] = [{ records, attempts: 0 }];
    while (pending.length > 0 && !abort.signal.aborted) {
      const batch = pending[0];
      if (tooOld(batch.records[0])) {
        await discard(streamArn, shardId, batch, 'RecordAgeExceeded');
        pending.shift();
        continue;
      }
      const result = await invoke(plan.functionName, kinesisEvent(streamArn, shardId, options.region, batch.records));
      const failedAt = result.ok ? firstFailure(batch.records, result.payload) : 0;
      if (failedAt === -1) {
        pending.shift();
        continue;
      }
      if (failedAt > 0) {
        // Partial batch response: what came before the first failure is done; resume from it.
        pending[0] = { records: batch.records.slice(failedAt), attempts: batch.attempts + 1 };
      } else if (!result.ok && plan.bisectBatchOnFunctionError && batch.records.length > 1) {
        const half = Math.ceil(batch.records.length / 2);
        pending.splice(0, 1, { records: batch.records.slice(0, half), attempts: batch.attempts }, { records: batch.records.slice(half), attempts: batch.attempts });
        continue;
      } else {
        batch.attempts += 1;
      }
      const current = pending[0];
      if (plan.maximumRetryAttempts >= 0 && current.attempts > plan.maximumRetryAttempts) {
        await discard(streamArn, shardId, current, 'RetryAttemptsExhausted', result.ok ? undefined : result.error);
        pending.shift();
        continue;
      }
      await sleep(options.retryDelayMs);
    }
    return pending.length === 0;
  };

  const tooOld = (record: _Record) =>
    plan.maximumRecordAgeInSeconds >= 0 && Date.now() - (record.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) > plan.maximumRecordAgeInSeconds * 1000;

  const discard = async (streamArn: string, shardId: string, batch: Batch, condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded', error?: { errorType: string; errorMessage: string }) => {
    const record = streamFailureRecord({
      functionArn: arn,
      condition,
      approximateInvokeCount: batch.attempts,
      functionError: error !== undefined,
      batchInfo: { kinesis: kinesisBatchInfo(streamArn, shardId, batch.records) },
    });
    if (!plan.onFailureQueue) {
      options.log(`${plan.functionKey}: batch of ${batch.records.length} discarded (${condition}); no on-failure destination`);
      return;
    }
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: plan.onFailureQueue }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(record) }));
    options.log(`${plan.functionKey}: batch of ${batch.records.length} sent to ${plan.onFailureQueue} (${condition})`);
  };

  /** Index of the first failed record (0 when the report is unusable, as Lambda treats it), or -1. */
  const firstFailure = (records: _Record[], payload: unknown): number => {
    if (!plan.reportBatchItemFailures) return -1;
    const failures = (payload as { batchItemFailures?: { itemIdentifier?: string }[] } | undefined)?.batchItemFailures ?? [];
    if (failures.length === 0) return -1;
    const positions = failures.map((f) => records.findIndex((r) => r.SequenceNumber === f.itemIdentifier));
    return positions.includes(-1) ? 0 : Math.min(...positions);
  };

  const running = untilStopped('stream source', run);

  return {
    async stop() {
      abort.abort();
      await running;
    },
  };
}

/** The event Lambda hands a Kinesis consumer. */
export function kinesisEvent(streamArn: string, shardId: string, region: string, records: _Record[]) {
  return {
    Records: records.map((record) => ({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: record.PartitionKey,
        sequenceNumber: record.SequenceNumber,
        data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
        approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${shardId}:${record.SequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: `arn:aws:iam::000000000000:role/local`,
      awsRegion: region,
      eventSourceARN: streamArn,
    })),
  };
}
