/** Most log lines kept per invocation hop (the last ones): a chatty function must not grow its trace without bound. */
export const MAX_LOG_LINES_PER_HOP = 50;
/** Longest log line kept, in characters; longer ones are cut and end with `…`. */
export const MAX_LOG_LINE_CHARS = 2048;

/** Log lines that arrived after their invocation's hop was sent, for the trace store to add to it. */
export type LateLogLines = { requestId: string; lines: string[] };

// Powertools Logger's field first: a line that logs an API Gateway event also holds that event's own `requestId`.
const POWERTOOLS_ID = /"function_request_id"\s*:\s*"([0-9A-Za-z-]{1,64})"/;
// Lambda's JSON log format (AWS_LAMBDA_LOG_FORMAT=JSON).
const LAMBDA_ID = /"requestId"\s*:\s*"([0-9A-Za-z-]{1,64})"/;

const JSON_OBJECT_START = /^\s{0,16}\{/;

/** Could `text` hold a log line naming its request id? A string search, so most output costs no regex. */
export const mayNameRequestId = (text: string): boolean => text.includes('"function_request_id"') || text.includes('"requestId"');

/**
 * The Lambda request id a structured (JSON, one record a line) log line names, if any: Powertools'
 * `function_request_id`, else Lambda's own `requestId`. Plain text, and lines that are not a JSON
 * object's start (an indented fragment of pretty-printed JSON), name none.
 */
export function requestIdOfLine(line: string): string | undefined {
  if (!JSON_OBJECT_START.test(line) || !mayNameRequestId(line)) return undefined;
  return (POWERTOOLS_ID.exec(line) ?? LAMBDA_ID.exec(line))?.[1];
}

/** A line as a hop keeps it: without its line break, cut to MAX_LOG_LINE_CHARS. */
export const boundedLine = (line: string): string => (line.length > MAX_LOG_LINE_CHARS ? `${line.slice(0, MAX_LOG_LINE_CHARS - 1)}…` : line);

/** Adds `lines` to `kept` (in place; a new array if none), keeping the last MAX_LOG_LINES_PER_HOP. */
export function appendLines(kept: string[] | undefined, lines: readonly string[]): string[] {
  const all = kept ?? [];
  for (const line of lines) all.push(boundedLine(line));
  if (all.length > MAX_LOG_LINES_PER_HOP) all.splice(0, all.length - MAX_LOG_LINES_PER_HOP);
  return all;
}
