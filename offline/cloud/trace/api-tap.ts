import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Hop, TraceKeys } from './hop';
import type { ApiFault } from './faults';
import { attribute, correlationInBase64, correlationInJson, emptyKeys, header, s3Link } from './correlation';

/** What the emulators tell the traces, and ask of the faults. */
export type CloudObserver = {
  /** False when tracing is off: nothing is read or recorded. */
  tracing: boolean;
  record(hop: Hop, keys: TraceKeys): void;
  /** An API fault for this call, if one is in force (used up as it is returned). */
  apiFault(service: string, action: string): ApiFault | undefined;
};

/** The writes whose body the traces read: each names its target and carries correlation ids. */
const WATCHED: Record<string, (body: Record<string, unknown>) => { target?: string; keys: TraceKeys }> = {
  'Kinesis_20131202.PutRecord': (b) => ({ target: str(b.StreamName ?? b.StreamARN), keys: ids([correlationInBase64(b.Data)]) }),
  'Kinesis_20131202.PutRecords': (b) => ({ target: str(b.StreamName ?? b.StreamARN), keys: ids(list(b.Records).map((r) => correlationInBase64(r.Data))) }),
  'AWSEvents.PutEvents': (b) => ({
    target: [...new Set(list(b.Entries).map((e) => str(e.EventBusName) ?? 'default'))].join(','),
    keys: ids(list(b.Entries).map((e) => correlationInJson(e.Detail))),
  }),
  'AmazonSQS.SendMessage': (b) => ({ target: queueName(b.QueueUrl), keys: ids([attribute(b.MessageAttributes), correlationInJson(b.MessageBody)]) }),
  'AmazonSQS.SendMessageBatch': (b) => ({
    target: queueName(b.QueueUrl),
    keys: ids(list(b.Entries).flatMap((e) => [attribute(e.MessageAttributes), correlationInJson(e.MessageBody)])),
  }),
};

/**
 * Looks at one request to an emulator before it is served: answers it with an AWS error when a fault
 * names its action (true: served), and records the publishes and sends the traces follow, read from
 * the request body alongside the emulator (JSON protocols; SNS and S3 are observed where they are served).
 */
export function tapRequest(observer: CloudObserver | undefined, service: string, req: IncomingMessage, res: ServerResponse): boolean {
  if (!observer) return false;
  const target = String(req.headers['x-amz-target'] ?? '');
  const action = target.split('.').pop() || s3Action(service, req);
  const fault = action ? observer.apiFault(service, action) : undefined;
  if (fault) {
    answerFault(service, fault, res);
    req.resume();
    return true;
  }
  if (service === 's3' && action === 'PutObject' && observer.tracing) observeS3Put(observer, req);
  const watched = observer.tracing ? WATCHED[target] : undefined;
  if (!watched) return false;
  const at = Date.now();
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.once('end', () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      const { target: resource, keys } = watched(body);
      if (keys.correlationIds.length > 0) observer.record({ kind: 'publish', at, outcome: 'ok', service, action, target: resource }, keys);
    } catch {
      // Not JSON: the emulator answers the caller with its own error.
    }
  });
  return false;
}

function observeS3Put(observer: CloudObserver, req: IncomingMessage): void {
  const [bucket, ...key] = new URL(req.url ?? '/', 'http://edge').pathname.slice(1).split('/');
  const objectKey = decodeURIComponent(key.join('/'));
  const keys = emptyKeys();
  const correlationId = header(req.headers, 'x-amz-meta-correlationid');
  if (correlationId) keys.correlationIds.push(correlationId);
  keys.links.push(s3Link(bucket, objectKey));
  observer.record({ kind: 'publish', at: Date.now(), outcome: 'ok', service: 's3', action: 'PutObject', target: `${bucket}/${objectKey}` }, keys);
}

/** S3's REST actions the faults can name (an object's, by method). */
function s3Action(service: string, req: IncomingMessage): string | undefined {
  if (service !== 's3') return undefined;
  const path = new URL(req.url ?? '/', 'http://edge');
  const onObject = path.pathname.split('/').filter(Boolean).length > 1 && path.search === '';
  if (!onObject) return undefined;
  return { PUT: 'PutObject', GET: 'GetObject', DELETE: 'DeleteObject', HEAD: 'HeadObject' }[req.method ?? ''];
}

/** The HTTP status AWS answers an error code with. */
export function statusOf(code: string): number {
  if (/^(InternalFailure|InternalError|InternalServerError|InternalService)/.test(code)) return 500;
  if (code === 'ServiceUnavailable' || code === 'SlowDown') return 503;
  return 400;
}

export const faultMessage = (fault: ApiFault) =>
  `Fault injected by the local cloud (POST /api/faults): ${fault.service} ${fault.action} answers ${fault.error}`;

/** An AWS error in the protocol of the service: JSON (DynamoDB, Kinesis, EventBridge, SQS) or S3's XML. */
function answerFault(service: string, fault: ApiFault, res: ServerResponse): void {
  const status = statusOf(fault.error);
  if (service === 's3') {
    res.writeHead(status, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.error}</Code><Message>${faultMessage(fault)}</Message></Error>`);
    return;
  }
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': fault.error });
  res.end(JSON.stringify({ __type: fault.error, message: faultMessage(fault) }));
}

type Json = Record<string, unknown>;
const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter((v): v is Json => v !== null && typeof v === 'object') : []);
const queueName = (url: unknown) => str(url)?.split('/').pop();
function ids(values: (string | undefined)[]): TraceKeys {
  return { correlationIds: [...new Set(values.filter((v): v is string => Boolean(v)))], links: [] };
}
