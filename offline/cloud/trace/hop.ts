/**
 * One step of a message's way through the local cloud, as the console shows it. Plain data: hops
 * cross the IPC channel from the functions' process.
 */
export type Hop = {
  /**
   * http: a request to the service's API; invocation: one attempt of a function; publish: a message,
   * record, event or object handed to a service; delivery: a service handing it on (to a queue, a
   * target); retry: an attempt failed and the next one is scheduled; destination: an invocation
   * record sent on (onSuccess / onFailure); dropped: a message given up on.
   */
  kind: 'http' | 'invocation' | 'publish' | 'delivery' | 'retry' | 'destination' | 'dropped';
  /** When it happened (epoch ms); an invocation's start. */
  at: number;
  outcome: 'ok' | 'error' | 'timeout';
  function?: string;
  /** The trigger of an invocation: http, sqs, sns, s3, kinesis, dynamodb, eventbridge, schedule, invoke. */
  trigger?: string;
  attempt?: number;
  /** invocation: Lambda's request id of the attempt (its context.awsRequestId). */
  requestId?: string;
  durationMs?: number;
  /** publish / delivery: the AWS service and action, and the resource (queue, topic, stream, bus, bucket/key, table). */
  service?: string;
  action?: string;
  target?: string;
  method?: string;
  path?: string;
  status?: number;
  /** retry: how long until the next attempt. */
  delayMs?: number;
  /** Why it went where it went (a destination's condition, a retry's error). */
  reason?: string;
  event?: unknown;
  response?: unknown;
  error?: { errorType: string; errorMessage: string };
  /** invocation: the attempt's log lines that name its request id (cloud/trace/log-lines.ts), the last MAX_LOG_LINES_PER_HOP. */
  logs?: string[];
  /** An injected fault that decided this hop (POST /api/faults). */
  fault?: { id: number; mode: string; delayMs?: number };
};

/** What ties hops into one trace: correlation ids, and ids that link one hop to the next (a message id, an object key). */
export type TraceKeys = { correlationIds: string[]; links: string[] };

export type RecordedHop = { hop: Hop; keys: TraceKeys };
