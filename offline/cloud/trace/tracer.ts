import type { Hop, TraceKeys } from './hop';
import { createTraceStore } from './trace-store';
import { createFaultTable, type Fault } from './faults';
import { emptyKeys, keysOfEvent, keysOfResponse } from './correlation';
import type { CloudObserver } from './api-tap';
import { faultRoutes, traceRoutes } from './routes';
import type { Route } from '../console/route';
import type { LateLogLines } from './log-lines';

/**
 * What the functions' process sends of its invocations, in batches (cloud-process.ts `hops`); `logs`:
 * log lines that came after their invocation's hop was sent.
 */
export type InvocationBatch = { hops: Hop[]; faultsUsed: number[]; logs?: LateLogLines[] };

/**
 * The local cloud's traces and faults, in the cloud's process: the store, what the emulators and the
 * event sources record, the invocations the functions' process reports, and the console's routes.
 * `limit` 0 turns tracing off (faults still work).
 */
export function createTracer(options: { limit: number; mode: 'embedded' | 'docker'; sendFaults(faults: Fault[]): void }) {
  const store = createTraceStore({ limit: options.limit });
  const faults = createFaultTable();
  const tracing = options.limit > 0;
  const record = (hop: Hop, keys: TraceKeys) => store.record(hop, keys);

  const observer: CloudObserver = { tracing, record, apiFault: (service, action) => faults.takeForApi(service, action) };

  /** The invocations the functions' process ran: each files itself under the ids of its event and its answer. */
  function invocations(batch: InvocationBatch): void {
    for (const id of batch.faultsUsed) faults.used(id);
    for (const hop of batch.hops) {
      const keys = keysOfResponse(hop.response, keysOfEvent(hop.event));
      describeTrigger(hop);
      if (hop.trigger === 'http') {
        // At the request's arrival (API Gateway's timeEpoch), before its authorizer ran.
        const context = (hop.event as { requestContext?: { timeEpoch?: unknown } }).requestContext;
        const at = typeof context?.timeEpoch === 'number' ? Math.min(context.timeEpoch, hop.at) : hop.at;
        const http: Hop = { kind: 'http', at, outcome: hop.outcome, function: hop.function, method: hop.method, path: hop.path, status: hop.status };
        store.record(http, keys);
      }
      store.record(hop, keys);
    }
    for (const { requestId, lines } of batch.logs ?? []) store.appendLogs(requestId, lines);
  }

  /** An event (record) given up on or sent on, with the ids of the event it was about. */
  function recordAbout(hop: Hop, event: unknown): void {
    if (tracing) store.record(hop, keysOfEvent(event, emptyKeys()));
  }

  const routes: Route[] = [
    ...traceRoutes(store),
    ...faultRoutes({
      table: faults,
      apiFaultsUnavailable:
        options.mode === 'docker'
          ? 'AWS API faults need the embedded local cloud (docker mode: LocalStack and ElasticMQ answer the calls); function faults work in both modes'
          : undefined,
      changed: () => options.sendFaults(faults.list()),
    }),
  ];
  return { store, faults, observer, invocations, recordAbout, routes, tracing };
}

export type Tracer = ReturnType<typeof createTracer>;

/** The trigger of an invocation (and its attempt, where its event says: SQS's receive count), from the event's shape. */
export function describeTrigger(hop: Hop): void {
  const event = hop.event as Record<string, unknown> | null;
  if (hop.trigger || !event || typeof event !== 'object') return;
  const records = Array.isArray(event.Records) ? (event.Records as Record<string, unknown>[]) : undefined;
  if (records) {
    const source = text(records[0]?.eventSource) ?? text(records[0]?.EventSource) ?? '';
    hop.trigger = source.replace(/^aws:/, '') || 'invoke';
    if (hop.trigger === 'sqs' && hop.attempt === undefined) {
      hop.attempt = Math.max(...records.map((r) => Number((r.attributes as Record<string, string> | undefined)?.ApproximateReceiveCount ?? 1)));
    }
    return;
  }
  const context = event.requestContext as Record<string, unknown> | undefined;
  if (context && (event.type === 'REQUEST' || event.type === 'TOKEN')) {
    hop.trigger = 'authorizer';
    return;
  }
  if (context && 'headers' in event) {
    hop.trigger = 'http';
    hop.method = text((context.http as Record<string, unknown> | undefined)?.method) ?? text(event.httpMethod);
    hop.path = text(event.rawPath) ?? text(event.path);
    const response = hop.response as { statusCode?: number } | undefined;
    hop.status = hop.outcome === 'ok' ? (response?.statusCode ?? 200) : 500;
    return;
  }
  if ('detail-type' in event) hop.trigger = event['detail-type'] === 'Scheduled Event' ? 'schedule' : 'eventbridge';
  else hop.trigger = 'invoke';
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
