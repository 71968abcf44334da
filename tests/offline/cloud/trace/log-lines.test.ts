import { appendLines, MAX_LOG_LINE_CHARS, MAX_LOG_LINES_PER_HOP, requestIdOfLine } from '../../../../offline/cloud/trace/log-lines';
import { createTraceStore } from '../../../../offline/cloud/trace/trace-store';
import { createTracer } from '../../../../offline/cloud/trace/tracer';
import type { Hop } from '../../../../offline/cloud/trace/hop';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const powertools = (message: string, id = ID) =>
  JSON.stringify({ level: 'INFO', message, timestamp: '2024-01-01T00:00:00.000Z', service: 'orderflow', function_request_id: id });

describe('log lines: which invocation a line names', () => {
  it("reads Powertools' function_request_id and Lambda's JSON log format's requestId", () => {
    expect(requestIdOfLine(powertools('order accepted'))).toBe(ID);
    expect(requestIdOfLine(`{"timestamp":"2024-01-01T00:00:00Z","level":"INFO","requestId":"${ID}","message":"hi"}`)).toBe(ID);
    expect(requestIdOfLine(`  {"requestId": "${ID}"}`)).toBe(ID);
  });

  it("prefers Powertools' id to a requestId of the event it logs", () => {
    const line = JSON.stringify({ level: 'INFO', message: 'event', event: { requestContext: { requestId: 'apigw-id' } }, function_request_id: ID });
    expect(requestIdOfLine(line)).toBe(ID);
  });

  it('attributes nothing to plain text, a fragment of pretty-printed JSON, or an id that is not one', () => {
    expect(requestIdOfLine(`INFO RequestId: ${ID} order accepted`)).toBeUndefined();
    expect(requestIdOfLine(`    "function_request_id": "${ID}",`)).toBeUndefined();
    expect(requestIdOfLine('{"requestId":"<script>"}')).toBeUndefined();
    expect(requestIdOfLine(`{"requestId":"${'a'.repeat(65)}"}`)).toBeUndefined();
    expect(requestIdOfLine('{"message":"no id"}')).toBeUndefined();
  });

  it('keeps the last lines of a hop, each cut to its bound', () => {
    const kept = appendLines(undefined, ['x'.repeat(MAX_LOG_LINE_CHARS + 10)]);
    expect(kept[0]).toHaveLength(MAX_LOG_LINE_CHARS);
    expect(kept[0].endsWith('…')).toBe(true);
    appendLines(
      kept,
      Array.from({ length: MAX_LOG_LINES_PER_HOP + 5 }, (_, i) => `line ${i}`),
    );
    expect(kept).toHaveLength(MAX_LOG_LINES_PER_HOP);
    expect(kept[0]).toBe('line 5');
    expect(kept.at(-1)).toBe(`line ${MAX_LOG_LINES_PER_HOP + 4}`);
  });
});

describe('log lines: late lines in the trace store', () => {
  const invocation = (requestId: string, fields: Partial<Hop> = {}): Hop => ({ kind: 'invocation', at: 1, outcome: 'ok', function: 'f', requestId, ...fields });

  it("adds lines that came after the hop to that hop's own, within the bound", () => {
    const store = createTraceStore({ limit: 10 });
    store.record(invocation('r1', { logs: ['during'] }), { correlationIds: ['c'], links: [] });
    store.record(invocation('r2'), { correlationIds: ['c'], links: [] });
    store.appendLogs('r1', ['after']);
    store.appendLogs(
      'r2',
      Array.from({ length: MAX_LOG_LINES_PER_HOP + 1 }, (_, i) => `${i}`),
    );
    const [first, second] = store.get('c')!.hops;
    expect(first.logs).toEqual(['during', 'after']);
    expect(second.logs).toHaveLength(MAX_LOG_LINES_PER_HOP);
    expect(second.logs?.[0]).toBe('1');
  });

  it('drops lines of invocations it does not hold: unknown, or their trace forgotten', () => {
    const store = createTraceStore({ limit: 1 });
    store.record(invocation('old'), { correlationIds: ['a'], links: [] });
    store.record(invocation('new'), { correlationIds: ['b'], links: [] });
    expect(() => store.appendLogs('old', ['late'])).not.toThrow();
    store.appendLogs('nobody', ['late']);
    expect(store.get('b')!.hops[0].logs).toBeUndefined();
    store.record(invocation('old'), { correlationIds: ['b'], links: [] });
    expect(store.get('b')!.hops.map((h) => h.logs)).toEqual([undefined, undefined]);
  });

  it("files a batch's hops before its late lines, so lines sent with their hop's batch find it", () => {
    const tracer = createTracer({ limit: 10, mode: 'embedded', sendFaults: () => undefined });
    tracer.invocations({
      hops: [invocation('r1', { event: { correlationId: 'corr' } })],
      faultsUsed: [],
      logs: [{ requestId: 'r1', lines: [powertools('late', 'r1')] }],
    });
    expect(tracer.store.get('corr')!.hops[0].logs).toEqual([powertools('late', 'r1')]);
  });
});
