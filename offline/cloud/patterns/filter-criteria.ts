import { compileEventPattern, eventPatternErrors, type EventPattern } from './event-pattern';

export type FilterSource = 'sqs' | 'kinesis' | 'dynamodb';

type RecordTest = (record: Record<string, unknown>) => boolean;

/** Where each source keeps its payload in a filter pattern (SQS: body; Kinesis: data; DynamoDB: the record itself). */
const PAYLOAD_KEY: Record<FilterSource, string | undefined> = { sqs: 'body', kinesis: 'data', dynamodb: undefined };

/**
 * Lambda's event-source-mapping filtering: a record goes to the function when ANY pattern matches.
 * `record` is the record exactly as Lambda puts it in event.Records. As Lambda documents:
 * - SQS: `body` is matched as JSON when it is a JSON object, else as the plain string; a pattern whose
 *   `body` is an object (JSON) never matches a plain-string body, and one whose `body` is a list of
 *   string rules never matches a JSON body (Lambda drops on such a mismatch);
 * - Kinesis: `data` is base64-decoded and matched as JSON; data that is not a JSON object, or a pattern
 *   whose `data` is not an object, never matches (both must be JSON);
 * - DynamoDB: the record as is (`dynamodb.NewImage.status.S`, `eventName`, ...).
 * Other keys of the record (metadata: `attributes`, `messageAttributes`, `eventName`, ...) match as they are.
 *
 * `patterns` are serverless.yml's `filterPatterns`: pattern objects, or `{ Pattern: '<json>' }` as in
 * CloudFormation. Undefined when there is nothing to filter. Throws naming the pattern's index and the problem.
 */
export function compileFilterCriteria(source: FilterSource, patterns: unknown[] | undefined, where = 'filterPatterns'): RecordTest | undefined {
  if (patterns === undefined || patterns.length === 0) return undefined;
  const payloadKey = PAYLOAD_KEY[source];
  const compiled = patterns.map((entry, index) => compileOne(entry, `${where}[${index}]`, payloadKey));
  const decodes = payloadKey !== undefined && compiled.some((c) => c.payload !== 'absent');
  const decode = source === 'sqs' ? decodeSqsBody : decodeKinesisData;
  return function matchesFilterCriteria(record: Record<string, unknown>): boolean {
    const view = decodes ? decode(record) : { record, payload: 'absent' as const };
    for (const c of compiled) {
      if (c.payload !== 'absent' && c.payload !== view.payload) continue;
      if (c.match(view.record)) return true;
    }
    return false;
  };
}

/** The payload as the pattern names it, or as the record holds it ('unusable': there, but matchable by no pattern). */
type PayloadShape = 'json' | 'string' | 'absent' | 'unusable';

function compileOne(entry: unknown, where: string, payloadKey: string | undefined): { match: (view: unknown) => boolean; payload: PayloadShape } {
  const pattern = patternOf(entry, where);
  const errors = eventPatternErrors(pattern);
  if (errors.length > 0) throw new Error(`${where}: filter pattern is not valid: ${errors.join('; ')}`);
  const object = pattern as EventPattern;
  const payloadRule = payloadKey === undefined ? undefined : object[payloadKey];
  const payload: PayloadShape = payloadRule === undefined ? 'absent' : Array.isArray(payloadRule) ? 'string' : 'json';
  return { match: compileEventPattern(object), payload };
}

/** A filterPatterns entry: the pattern itself, or CloudFormation's `{ Pattern: '<json>' }`. */
function patternOf(entry: unknown, where: string): unknown {
  if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
    const keys = Object.keys(entry);
    const text = (entry as { Pattern?: unknown }).Pattern;
    if (keys.length === 1 && typeof text === 'string') {
      try {
        return JSON.parse(text);
      } catch (error) {
        throw new Error(`${where}: Pattern is not valid JSON (${(error as Error).message})`, { cause: error });
      }
    }
    return entry;
  }
  throw new Error(`${where}: a filter pattern must be an object (or { Pattern: '<json>' }), found ${JSON.stringify(entry)}`);
}

type View = { record: Record<string, unknown>; payload: PayloadShape };

function decodeSqsBody(record: Record<string, unknown>): View {
  const body = record.body;
  if (typeof body !== 'string') return { record, payload: 'absent' };
  const json = parseJsonObject(body);
  return json === undefined ? { record, payload: 'string' } : { record: { ...record, body: json }, payload: 'json' };
}

function decodeKinesisData(record: Record<string, unknown>): View {
  const kinesis = record.kinesis as { data?: unknown } | undefined;
  const data = typeof kinesis?.data === 'string' ? Buffer.from(kinesis.data, 'base64').toString('utf8') : undefined;
  const json = data === undefined ? undefined : parseJsonObject(data);
  // Kinesis filters need JSON data: data that is not JSON matches no pattern that names data.
  return json === undefined ? { record, payload: 'unusable' } : { record: { ...record, data: json }, payload: 'json' };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const start = text.trimStart()[0];
  if (start !== '{') return undefined;
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
