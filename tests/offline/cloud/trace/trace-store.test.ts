import { createTraceStore, MAX_HOPS_PER_TRACE } from '../../../../offline/cloud/trace/trace-store';
import type { Hop, TraceKeys } from '../../../../offline/cloud/trace/hop';

const hop = (at: number, fields: Partial<Hop> = {}): Hop => ({ kind: 'invocation', at, outcome: 'ok', ...fields });
const ids = (...correlationIds: string[]): TraceKeys => ({ correlationIds, links: [] });
const links = (...l: string[]): TraceKeys => ({ correlationIds: [], links: l });

describe('trace store', () => {
  it('keeps only the last N traces', () => {
    const store = createTraceStore({ limit: 3 });
    for (let i = 1; i <= 5; i++) store.record(hop(i), ids(`c${i}`));
    expect(store.size).toBe(3);
    expect(store.get('c1')).toBeUndefined();
    expect(store.get('c2')).toBeUndefined();
    expect(store.get('c5')?.hops).toHaveLength(1);
  });

  it('returns the hops in the order they happened, whenever they were recorded', () => {
    const store = createTraceStore({ limit: 10 });
    store.record(hop(30, { function: 'c' }), ids('x'));
    store.record(hop(10, { function: 'a' }), ids('x'));
    store.record(hop(20, { function: 'b' }), ids('x'));
    store.record(hop(20, { function: 'b2' }), ids('x'));
    expect(store.get('x')?.hops.map((h) => h.function)).toEqual(['a', 'b', 'b2', 'c']);
  });

  it('links hops without a correlation id by their message ids, and names the trace by the correlation id once one appears', () => {
    const store = createTraceStore({ limit: 10 });
    store.record(hop(1, { kind: 'publish' }), links('msg:1'));
    store.record(hop(2), { correlationIds: ['corr'], links: ['msg:1'] });
    expect(store.get('msg:1')?.correlationId).toBe('corr');
    expect(store.get('corr')?.hops).toHaveLength(2);
  });

  it('merges two traces a hop turns out to link', () => {
    const store = createTraceStore({ limit: 10 });
    store.record(hop(1), links('s3:b/k'));
    store.record(hop(2), ids('corr'));
    store.record(hop(3), { correlationIds: ['corr'], links: ['s3:b/k'] });
    expect(store.size).toBe(1);
    expect(store.get('s3:b/k')?.hops.map((h) => h.at)).toEqual([1, 2, 3]);
  });

  it('files a batch naming several correlation ids under each of their traces, without merging them', () => {
    const store = createTraceStore({ limit: 10 });
    store.record(hop(1, { kind: 'http' }), { correlationIds: ['order-a'], links: ['msg:a'] });
    store.record(hop(2, { kind: 'http' }), ids('order-b'));
    store.record(hop(3, { function: 'publishOrderEvents' }), { correlationIds: ['order-a', 'order-b'], links: ['msg:a', 'msg:b'] });
    expect(store.size).toBe(2);
    expect(store.get('order-a')?.hops.map((h) => h.kind)).toEqual(['http', 'invocation']);
    expect(store.get('order-b')?.hops.map((h) => h.kind)).toEqual(['http', 'invocation']);
    expect(store.get('msg:b')).toBeUndefined();
  });

  it('searches by id, function and what the hops hold (an order id), newest first', () => {
    const store = createTraceStore({ limit: 10 });
    store.record(hop(1, { function: 'createOrder', event: { body: '{"orderId":"ord-1"}' } }), ids('c1'));
    store.record(hop(5, { function: 'processPayment' }), ids('c2'));
    store.record(hop(9, { function: 'createOrder' }), ids('c3'));
    expect(store.search('ord-1').map((s) => s.correlationId)).toEqual(['c1']);
    expect(store.search('createorder').map((s) => s.correlationId)).toEqual(['c3', 'c1']);
    expect(store.search('C2')[0]).toMatchObject({ correlationId: 'c2', hops: 1, functions: ['processPayment'], errors: 0 });
    expect(store.search().map((s) => s.correlationId)).toEqual(['c3', 'c2', 'c1']);
  });

  it('counts errors and faults in the summary', () => {
    const store = createTraceStore({ limit: 10 });
    store.record(hop(1, { outcome: 'error', fault: { id: 1, mode: 'error' } }), ids('c'));
    store.record(hop(2, { outcome: 'timeout' }), ids('c'));
    expect(store.search('c')[0]).toMatchObject({ errors: 2, faults: 1, startedAt: 1, lastAt: 2 });
  });

  it('bounds the hops of one trace', () => {
    const store = createTraceStore({ limit: 1 });
    for (let i = 0; i < MAX_HOPS_PER_TRACE + 5; i++) store.record(hop(i), ids('loop'));
    expect(store.get('loop')).toMatchObject({ droppedHops: 5 });
    expect(store.get('loop')?.hops).toHaveLength(MAX_HOPS_PER_TRACE);
  });

  it('records nothing with limit 0 (tracing off), nor hops without any id', () => {
    const off = createTraceStore({ limit: 0 });
    off.record(hop(1), ids('c'));
    expect(off.size).toBe(0);
    const on = createTraceStore({ limit: 5 });
    on.record(hop(1), ids());
    expect(on.size).toBe(0);
  });
});
