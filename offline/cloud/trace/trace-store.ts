import type { Hop, TraceKeys } from './hop';
import { appendLines } from './log-lines';

/** Most hops kept per trace: a message looping through a chain must not grow one trace without bound. */
export const MAX_HOPS_PER_TRACE = 500;

type Trace = {
  /** The first correlation id seen, else the first link (a message id, an object key). */
  id: string;
  correlationId?: string;
  keys: Set<string>;
  hops: { hop: Hop; seq: number }[];
  /** Hops beyond MAX_HOPS_PER_TRACE, not kept. */
  dropped: number;
};

export type TraceSummary = {
  correlationId: string;
  startedAt: number;
  lastAt: number;
  hops: number;
  functions: string[];
  errors: number;
  faults: number;
};

export type TraceView = { correlationId: string; hops: Hop[]; droppedHops?: number };

export type TraceStore = ReturnType<typeof createTraceStore>;

/**
 * The last `limit` traces, in memory. A hop joins the trace any of its keys already names (merging
 * two traces it turns out to link) or starts one; a hop naming several correlation ids joins each of
 * theirs. The oldest trace goes once there are more than `limit`.
 * Recording only files the hop: what the console asks for is computed when it asks.
 */
export function createTraceStore(options: { limit: number }) {
  // Insertion order = creation order: the first entry is the oldest.
  const traces = new Map<Trace, true>();
  const byKey = new Map<string, Trace>();
  // The invocation hops kept, by request id: late log lines find theirs here.
  const byRequestId = new Map<string, Hop>();
  let seq = 0;

  const forget = (trace: Trace) => {
    traces.delete(trace);
    for (const key of trace.keys) if (byKey.get(key) === trace) byKey.delete(key);
    for (const { hop } of trace.hops) if (hop.requestId) byRequestId.delete(hop.requestId);
  };

  const merge = (into: Trace, from: Trace) => {
    for (const key of from.keys) {
      into.keys.add(key);
      byKey.set(key, into);
    }
    into.hops.push(...from.hops);
    into.dropped += from.dropped;
    into.correlationId ??= from.correlationId;
    traces.delete(from);
  };

  function record(hop: Hop, keys: TraceKeys): void {
    if (options.limit <= 0) return;
    // A batch with records of several correlation ids (a stream batch of several orders) is a hop of
    // each of their traces; it must not merge them into one. Its links cannot be told apart by record.
    if (keys.correlationIds.length > 1) {
      for (const correlationId of keys.correlationIds) file(hop, { correlationIds: [correlationId], links: [] });
      return;
    }
    file(hop, keys);
  }

  function file(hop: Hop, keys: TraceKeys): void {
    const all = [...keys.correlationIds, ...keys.links];
    if (all.length === 0) return;
    let trace: Trace | undefined;
    for (const key of all) {
      const found = byKey.get(key);
      if (!found || found === trace) continue;
      if (!trace) trace = found;
      else if (found.hops.length > trace.hops.length) {
        merge(found, trace);
        trace = found;
      } else merge(trace, found);
    }
    if (!trace) {
      trace = { id: keys.correlationIds[0] ?? all[0], keys: new Set(), hops: [], dropped: 0 };
      traces.set(trace, true);
      while (traces.size > options.limit) forget(traces.keys().next().value as Trace);
    }
    trace.correlationId ??= keys.correlationIds[0];
    for (const key of all) {
      trace.keys.add(key);
      byKey.set(key, trace);
    }
    if (trace.hops.length < MAX_HOPS_PER_TRACE) {
      trace.hops.push({ hop, seq: ++seq });
      if (hop.kind === 'invocation' && hop.requestId) byRequestId.set(hop.requestId, hop);
    } else trace.dropped++;
  }

  /** Log lines of an invocation whose hop is filed already (a worker thread's output comes after its answer); none kept if it is not. */
  function appendLogs(requestId: string, lines: readonly string[]): void {
    const hop = byRequestId.get(requestId);
    if (hop) hop.logs = appendLines(hop.logs, lines);
  }

  // Times are in milliseconds: a request and its authorizer's invocation often share one, and the request came first.
  const first = (hop: Hop) => (hop.kind === 'http' ? 0 : 1);
  const ordered = (trace: Trace) =>
    [...trace.hops].sort((a, b) => a.hop.at - b.hop.at || first(a.hop) - first(b.hop) || a.seq - b.seq).map((entry) => entry.hop);
  const idOf = (trace: Trace) => trace.correlationId ?? trace.id;

  function summary(trace: Trace): TraceSummary {
    const hops = trace.hops.map((entry) => entry.hop);
    const times = hops.map((hop) => hop.at);
    return {
      correlationId: idOf(trace),
      startedAt: Math.min(...times),
      lastAt: Math.max(...times),
      hops: hops.length + trace.dropped,
      functions: [...new Set(hops.flatMap((hop) => (hop.function ? [hop.function] : [])))],
      errors: hops.filter((hop) => hop.kind === 'invocation' && hop.outcome !== 'ok').length,
      faults: hops.filter((hop) => hop.fault).length,
    };
  }

  /** Does the trace name `q`: its ids, a function, or anything in its hops (an order id in an event, a response)? */
  function matches(trace: Trace, q: string): boolean {
    const needle = q.toLowerCase();
    if (idOf(trace).toLowerCase().includes(needle)) return true;
    for (const key of trace.keys) if (key.toLowerCase().includes(needle)) return true;
    return trace.hops.some(({ hop }) => hop.function?.toLowerCase().includes(needle) || JSON.stringify(hop).toLowerCase().includes(needle));
  }

  return {
    record,
    appendLogs,
    /** Summaries of the traces that match `q` (all without one), the newest (latest hop) first. */
    search(q = '', limit = 100): TraceSummary[] {
      const found = [...traces.keys()].filter((trace) => !q || matches(trace, q));
      return found
        .map(summary)
        .sort((a, b) => b.lastAt - a.lastAt)
        .slice(0, limit);
    },
    /** A trace's hops in the order they happened, by its correlation id (or any id it holds). */
    get(id: string): TraceView | undefined {
      const trace = byKey.get(id);
      if (!trace) return undefined;
      return { correlationId: idOf(trace), hops: ordered(trace), ...(trace.dropped ? { droppedHops: trace.dropped } : {}) };
    },
    get size() {
      return traces.size;
    },
    clear() {
      traces.clear();
      byKey.clear();
      byRequestId.clear();
    },
  };
}
