import { functionArn, streamBatchInfo, streamFailureRecord, type BatchInfoKey, type StreamCondition } from '../lambda/invocation-record';
import type { FunctionError } from '../lambda/invoke';
import type { StreamConsumerPlan } from '../provision/plan-streams';
import type { PolledRecord, PollerOptions } from './poller';

export type DeliveryContext = {
  plan: StreamConsumerPlan;
  options: PollerOptions;
  streamArn: string;
  shardId: string;
  batchInfoKey: BatchInfoKey;
  /** Records older than this are discarded (RecordAgeExceeded). */
  maxAgeMs: number;
  signal: AbortSignal;
  sleep(ms: number): Promise<void>;
  /** Told of each leading part of the records that is done (delivered or discarded), in order. */
  progress(records: PolledRecord[]): void;
};

type Batch = { records: PolledRecord[]; attempts: number };

/**
 * Works through the records until each one succeeded or was discarded, in order; the partition waits
 * meanwhile. bisectBatchOnFunctionError halves a failed batch (without using a retry) to isolate a
 * poison record; a partial batch response resumes from the lowest failed record; maximumRetryAttempts
 * and the record age end retries, and the discarded batch is described to the on-failure destination.
 * Returns false when stopped before the end.
 */
export async function deliverInOrder(records: PolledRecord[], context: DeliveryContext): Promise<boolean> {
  const { plan, options } = context;
  const pending: Batch[] = [{ records, attempts: 0 }];
  while (pending.length > 0 && !context.signal.aborted) {
    const batch = pending[0];
    const fresh = batch.records.findIndex((r) => Date.now() - r.arrivedAt <= context.maxAgeMs);
    if (fresh !== 0) {
      // Records are in arrival order: the expired ones lead.
      const expired = fresh === -1 ? batch.records : batch.records.slice(0, fresh);
      await discard(context, { records: expired, attempts: batch.attempts }, 'RecordAgeExceeded');
      context.progress(expired);
      if (fresh === -1) pending.shift();
      else pending[0] = { records: batch.records.slice(fresh), attempts: batch.attempts };
      continue;
    }
    const event = { Records: batch.records.map((r) => r.lambdaRecord) };
    const result = await options.invoke(plan.functionName, event, { attempt: batch.attempts + 1 });
    const failedAt = result.ok ? firstFailure(plan, batch.records, result.payload) : 0;
    if (failedAt === -1) {
      context.progress(batch.records);
      pending.shift();
      continue;
    }
    if (failedAt > 0) {
      // Partial batch response: what came before the first failure is done; resume from it.
      context.progress(batch.records.slice(0, failedAt));
      pending[0] = { records: batch.records.slice(failedAt), attempts: batch.attempts + 1 };
    } else if (!result.ok && plan.bisectBatchOnFunctionError && batch.records.length > 1) {
      const half = Math.ceil(batch.records.length / 2);
      pending.splice(
        0,
        1,
        { records: batch.records.slice(0, half), attempts: batch.attempts },
        { records: batch.records.slice(half), attempts: batch.attempts },
      );
      continue;
    } else {
      batch.attempts += 1;
    }
    const current = pending[0];
    if (plan.maximumRetryAttempts >= 0 && current.attempts > plan.maximumRetryAttempts) {
      await discard(context, current, 'RetryAttemptsExhausted', result.ok ? undefined : result.error);
      context.progress(current.records);
      pending.shift();
      continue;
    }
    const reason = result.ok ? 'batch item failures' : `${result.error.errorType}: ${result.error.errorMessage}`;
    const retry = { kind: 'retry' as const, at: Date.now(), outcome: 'ok' as const, function: plan.functionKey, attempt: current.attempts + 1 };
    options.tracer?.recordAbout({ ...retry, delayMs: options.retryDelayMs, reason }, { Records: current.records.map((r) => r.lambdaRecord) });
    await context.sleep(options.retryDelayMs);
  }
  return pending.length === 0;
}

/**
 * Index of the first failed record per the function's batchItemFailures, -1 when the batch succeeded.
 * An unusable report (an identifier missing or not in the batch, a list that is not one) fails the
 * whole batch: 0, as Lambda treats it.
 */
export function firstFailure(plan: Pick<StreamConsumerPlan, 'reportBatchItemFailures'>, records: PolledRecord[], payload: unknown): number {
  if (!plan.reportBatchItemFailures || payload === null || typeof payload !== 'object') return -1;
  const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return -1;
  if (!Array.isArray(failures)) return 0;
  if (failures.length === 0) return -1;
  const positions = failures.map((f: { itemIdentifier?: unknown } | null) =>
    records.findIndex((r) => typeof f?.itemIdentifier === 'string' && r.sequenceNumber === f.itemIdentifier),
  );
  return positions.includes(-1) ? 0 : Math.min(...positions);
}

async function discard(context: DeliveryContext, batch: Batch, condition: StreamCondition, error?: FunctionError) {
  const { plan, options } = context;
  const destination = plan.onFailure;
  if (!destination) {
    options.log(`${plan.functionKey}: batch of ${batch.records.length} discarded (${condition}); no on-failure destination`);
    return;
  }
  const record = streamFailureRecord({
    functionArn: functionArn(options.region, options.accountId, plan.functionName),
    condition,
    approximateInvokeCount: batch.attempts,
    functionError: error !== undefined,
    batchInfoKey: context.batchInfoKey,
    batchInfo: streamBatchInfo(context.batchInfoKey, context.streamArn, context.shardId, batch.records),
    // The event the function was (or would have been) given: the sender passes it on to S3 only.
    event: { Records: batch.records.map((r) => r.lambdaRecord) },
  });
  await options.sendToDestination(destination, record);
  options.log(`${plan.functionKey}: batch of ${batch.records.length} sent to ${destination.kind} ${destination.name} (${condition})`);
}
