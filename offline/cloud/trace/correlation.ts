import type { TraceKeys } from './hop';

/**
 * Where a trace's ids are read from, for any service (offline/README.md lists them): the correlation id
 * travels as the `x-correlation-id` HTTP header, the `correlationId` message attribute (SNS, SQS), a
 * `correlationId` field of a JSON body / message / record / event detail / stream image, or the
 * `correlationid` metadata of an S3 object; message ids, S3 object keys and EventBridge event ids link
 * the hops of a message that carries no correlation id.
 */
export const CORRELATION_FIELD = 'correlationId';
export const CORRELATION_HEADER = 'x-correlation-id';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** A JSON object's correlationId, for a string that looks like one (anything else costs no parse). */
export function correlationInJson(body: unknown): string | undefined {
  if (isObject(body)) return text(body[CORRELATION_FIELD]);
  if (typeof body !== 'string' || !body.includes(CORRELATION_FIELD)) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return isObject(parsed) ? text(parsed[CORRELATION_FIELD]) : undefined;
  } catch {
    return undefined;
  }
}

/** A header of a plain headers object, whatever its case. */
export function header(headers: unknown, name: string): string | undefined {
  if (!isObject(headers)) return undefined;
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return text(headers[key]);
  return undefined;
}

/** A message attribute's value in any of the spellings SQS and SNS use (stringValue, StringValue, Value). */
export function attribute(attributes: unknown, name = CORRELATION_FIELD): string | undefined {
  if (!isObject(attributes)) return undefined;
  const entry = attributes[name];
  if (!isObject(entry)) return undefined;
  return text(entry.stringValue) ?? text(entry.StringValue) ?? text(entry.Value);
}

export function emptyKeys(): TraceKeys {
  return { correlationIds: [], links: [] };
}

const add = (list: string[], value: string | undefined) => value && !list.includes(value) && list.push(value);

/** The ids of a Lambda event, whatever triggered it. */
export function keysOfEvent(event: unknown, keys: TraceKeys = emptyKeys(), depth = 0): TraceKeys {
  if (!isObject(event) || depth > 3) return keys;
  const ids = keys.correlationIds;
  if (Array.isArray(event.Records)) {
    for (const record of event.Records) if (isObject(record)) keysOfRecord(record, keys);
    return keys;
  }
  // API Gateway (REST, HTTP API, WebSocket), ALB
  if (isObject(event.requestContext) && 'headers' in event) {
    add(ids, header(event.headers, CORRELATION_HEADER));
    add(ids, correlationInJson(event.body));
    return keys;
  }
  // EventBridge (and schedules)
  if ('detail-type' in event) {
    add(ids, correlationInJson(event.detail));
    add(keys.links, text(event.id) && `event:${event.id}`);
    // A Lambda destination's record put on a bus: the record is the detail
    if (isObject(event.detail) && 'requestPayload' in event.detail) keysOfEvent(event.detail.requestPayload, keys, depth + 1);
    return keys;
  }
  // A Lambda destination's record (invocation record): the event it was about (a stream's: its batch)
  if (isObject(event.requestContext) && ('requestPayload' in event || 'payload' in event)) {
    keysOfEvent(event.requestPayload ?? event.payload, keys, depth + 1);
    add(ids, correlationInJson(event.responsePayload));
    return keys;
  }
  add(ids, text(event[CORRELATION_FIELD]));
  return keys;
}

function keysOfRecord(record: Json, keys: TraceKeys): void {
  const ids = keys.correlationIds;
  const source = text(record.eventSource) ?? text(record.EventSource);
  if (source === 'aws:sqs') {
    add(ids, attribute(record.messageAttributes));
    add(keys.links, text(record.messageId) && `msg:${record.messageId}`);
    keysOfMessageBody(record.body, keys);
  } else if (source === 'aws:sns' && isObject(record.Sns)) {
    add(ids, attribute(record.Sns.MessageAttributes));
    add(ids, correlationInJson(record.Sns.Message));
    add(keys.links, text(record.Sns.MessageId) && `msg:${record.Sns.MessageId}`);
  } else if (source === 'aws:kinesis' && isObject(record.kinesis)) {
    add(ids, correlationInBase64(record.kinesis.data));
  } else if (source === 'aws:dynamodb' && isObject(record.dynamodb)) {
    add(ids, imageCorrelation(record.dynamodb.NewImage) ?? imageCorrelation(record.dynamodb.OldImage));
  } else if (source === 'aws:s3' && isObject(record.s3)) {
    const s3 = record.s3 as { bucket?: { name?: string }; object?: { key?: string } };
    const key = s3.object?.key && decodeURIComponent(s3.object.key.replace(/\+/g, ' '));
    add(keys.links, s3.bucket?.name && key && s3Link(s3.bucket.name, key));
  }
}

/** An SQS body: a message of its own, or an SNS envelope (not raw delivery) or an S3 / EventBridge event queued by them. */
function keysOfMessageBody(body: unknown, keys: TraceKeys): void {
  if (typeof body !== 'string' || !body.startsWith('{')) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return;
  }
  if (!isObject(parsed)) return;
  if (parsed.Type === 'Notification' && 'TopicArn' in parsed) {
    add(keys.correlationIds, attribute(parsed.MessageAttributes));
    add(keys.correlationIds, correlationInJson(parsed.Message));
    add(keys.links, text(parsed.MessageId) && `msg:${parsed.MessageId}`);
    return;
  }
  keysOfEvent(parsed, keys, 1);
}

/** A DynamoDB image's correlationId attribute (a string). */
export function imageCorrelation(image: unknown): string | undefined {
  if (!isObject(image) || !isObject(image[CORRELATION_FIELD])) return undefined;
  return text((image[CORRELATION_FIELD] as Json).S);
}

export function correlationInBase64(data: unknown): string | undefined {
  if (typeof data !== 'string') return undefined;
  return correlationInJson(Buffer.from(data, 'base64').toString('utf8'));
}

export const s3Link = (bucket: string, key: string) => `s3:${bucket}/${key}`;

/** The correlation id a function's answer names: an HTTP response's header or body, or a returned object's field. */
export function keysOfResponse(response: unknown, keys: TraceKeys): TraceKeys {
  if (!isObject(response)) return keys;
  add(keys.correlationIds, header(response.headers, CORRELATION_HEADER));
  add(keys.correlationIds, text(response[CORRELATION_FIELD]));
  if (typeof response.body === 'string' && response.body.length < 64 * 1024) add(keys.correlationIds, correlationInJson(response.body));
  return keys;
}
