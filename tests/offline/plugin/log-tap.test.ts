import { lineReader, tapLogLines } from '../../../offline/plugin/log-tap';
import { createInvocationRecorder } from '../../../offline/plugin/trace-recorder';
import type { InvocationBatch } from '../../../offline/cloud/trace/tracer';
import type { InvocationInfo } from '../../../offline/plugin/invocations';
import { MAX_LOG_LINES_PER_HOP } from '../../../offline/cloud/trace/log-lines';

const line = (requestId: string, message: string) => JSON.stringify({ level: 'INFO', message, function_request_id: requestId });

function reader() {
  const seen: [string, string][] = [];
  return { seen, read: lineReader((requestId, text) => seen.push([requestId, text])) };
}

describe('log tap: lines from what the process writes', () => {
  it('hands on whole lines naming a request id, from strings and bytes, joined across writes', () => {
    const { seen, read } = reader();
    read(`plain text\n${line('r1', 'one')}\n`);
    const split = line('r2', 'two');
    read(Buffer.from(split.slice(0, 10)));
    read(split.slice(10, 30));
    expect(seen).toEqual([['r1', line('r1', 'one')]]);
    read(Buffer.from(`${split.slice(30)}\r\n${line('r3', 'three')}`));
    expect(seen.map(([id]) => id)).toEqual(['r1', 'r2']);
    read('\n');
    expect(seen).toEqual([
      ['r1', line('r1', 'one')],
      ['r2', split],
      ['r3', line('r3', 'three')],
    ]);
  });

  it('reads several lines of one write, from a worker thread`s bytes or a plain Uint8Array', () => {
    const { seen, read } = reader();
    read(Buffer.from(`λ plain\n${line('r1', 'λ one')}\n`));
    read(new TextEncoder().encode(`${line('r2', 'two')}\n`));
    read(Buffer.from('no id at all\n'));
    expect(seen).toEqual([
      ['r1', line('r1', 'λ one')],
      ['r2', line('r2', 'two')],
    ]);
  });

  it('gives up a line longer than it holds unfinished, and reads the next ones', () => {
    const { seen, read } = reader();
    read(`{"function_request_id":"r1","message":"${'x'.repeat(70 * 1024)}`);
    read('"}\n');
    read(`${line('r2', 'after')}\n`);
    expect(seen).toEqual([['r2', line('r2', 'after')]]);
  });

  it('writes everything on unchanged, and its removal puts the stream back', () => {
    const written: unknown[][] = [];
    const write = function (this: unknown, ...args: unknown[]) {
      written.push(args);
      return true;
    };
    const stream = { write };
    const seen: string[] = [];
    const untap = tapLogLines([stream], (requestId) => seen.push(requestId));
    const callback = () => undefined;
    expect(stream.write(`${line('r1', 'x')}\n`, 'utf8', callback)).toBe(true);
    stream.write(Buffer.from('bytes\n'));
    expect(written).toEqual([[`${line('r1', 'x')}\n`, 'utf8', callback], [Buffer.from('bytes\n')]]);
    expect(seen).toEqual(['r1']);
    untap();
    expect(stream.write).toBe(write);
  });
});

describe('invocation recorder: log lines', () => {
  const invocation = (requestId: string): InvocationInfo => ({
    functionKey: 'f',
    functionName: 'svc-local-f',
    requestId,
    event: { correlationId: 'c' },
    timeoutMs: 1000,
    timedOut: () => new Error('timed out'),
  });

  function recorder() {
    const batches: InvocationBatch[] = [];
    const recording = createInvocationRecorder({ tracing: true, send: (batch) => batches.push(batch) });
    const flushed = () => new Promise((resolve) => setTimeout(resolve, 40));
    return { batches, recording, flushed, wrapper: recording.wrapper!, logLine: recording.logLine! };
  }

  it("puts a running invocation's lines on its hop, with its request id", async () => {
    const { batches, flushed, wrapper, logLine } = recorder();
    await wrapper(invocation('r1'), async () => {
      logLine('r1', 'during');
      logLine('other', 'not ours');
      return 'ok';
    });
    await flushed();
    expect(batches).toEqual([{ hops: [expect.objectContaining({ requestId: 'r1', logs: ['during'], response: 'ok' })], faultsUsed: [] }]);
  });

  it('sends lines that come after their invocation ended on their own, bounded; lines of unknown ids are dropped', async () => {
    const { batches, flushed, wrapper, logLine } = recorder();
    await expect(
      wrapper(invocation('r1'), async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await flushed();
    expect(batches[0].hops[0]).toMatchObject({ requestId: 'r1', outcome: 'error' });
    expect(batches[0].hops[0].logs).toBeUndefined();
    for (let i = 0; i < MAX_LOG_LINES_PER_HOP + 2; i++) logLine('r1', `late ${i}`);
    logLine('never-invoked', 'dropped');
    await flushed();
    expect(batches).toHaveLength(2);
    expect(batches[1].hops).toEqual([]);
    expect(batches[1].logs).toHaveLength(1);
    expect(batches[1].logs![0].requestId).toBe('r1');
    expect(batches[1].logs![0].lines).toHaveLength(MAX_LOG_LINES_PER_HOP);
    expect(batches[1].logs![0].lines[0]).toBe('late 2');
  });

  it('watches no lines with tracing off', () => {
    const off = createInvocationRecorder({ tracing: false, send: () => undefined });
    expect(off.wrapper).toBeUndefined();
    expect(off.logLine).toBeUndefined();
  });
});
