import { mayNameRequestId, requestIdOfLine } from '../cloud/trace/log-lines';

/** Longest unfinished line held while waiting for its end; past it the line is given up (it names no one then). */
const MAX_PENDING_CHARS = 64 * 1024;

const NEWLINE = 0x0a;
const POWERTOOLS_FIELD = Buffer.from('"function_request_id"');
const LAMBDA_FIELD = Buffer.from('"requestId"');

type Writable = { write: (...args: any[]) => boolean };

/**
 * Watches what `streams` (this process's stdout and stderr: its functions, in-process or in
 * serverless-offline's worker threads, whose output Node forwards here) write, and calls `onLine`
 * with each complete line that names a Lambda request id (`requestIdOfLine`). Everything is written
 * on unchanged. Output without a request id field costs a string search; only lines split across
 * writes are held. Returns the removal of the tap.
 */
export function tapLogLines(streams: Writable[], onLine: (requestId: string, line: string) => void): () => void {
  const removals = streams.map((stream) => {
    const write = stream.write;
    const lines = lineReader(onLine);
    stream.write = function tapped(this: unknown, ...args: any[]) {
      try {
        lines(args[0]);
      } catch {
        // Watching the output must never stop it.
      }
      return write.apply(this, args);
    };
    return () => {
      stream.write = write;
    };
  });
  return () => removals.forEach((remove) => remove());
}

/** One stream's lines: whole lines handed on, an unfinished one held until its end arrives. */
export function lineReader(onLine: (requestId: string, line: string) => void): (chunk: unknown) => void {
  let pending = '';
  const read = (raw: string) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const requestId = requestIdOfLine(line);
    if (requestId) onLine(requestId, line);
  };
  return (chunk) => {
    let text: string;
    if (typeof chunk === 'string') text = chunk;
    else if (chunk instanceof Uint8Array) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      // What worker threads write arrives as bytes: most of it is let by undecoded.
      if (!pending && bytes.at(-1) === NEWLINE && !bytes.includes(POWERTOOLS_FIELD) && !bytes.includes(LAMBDA_FIELD)) return;
      text = bytes.toString('utf8');
    } else return;
    if (!text) return;
    // The usual write: whole lines, and none naming a request id.
    if (!pending && text.endsWith('\n')) {
      if (!mayNameRequestId(text)) return;
      // One whole line (a console.log): no splitting.
      if (text.indexOf('\n') === text.length - 1) return void read(text.slice(0, -1));
    }
    const data = pending + text;
    const end = data.lastIndexOf('\n');
    pending = data.slice(end + 1);
    if (pending.length > MAX_PENDING_CHARS) pending = '';
    if (end < 0) return;
    const complete = data.slice(0, end);
    if (!mayNameRequestId(complete)) return;
    for (const line of complete.split('\n')) read(line);
  };
}
