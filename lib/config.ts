import * as z from 'zod/mini';

// Read and validated once at init: a missing variable fails the cold start, not the hundredth request.
const schema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  ORDER_EVENTS_TOPIC_ARN: z.string().check(z.minLength(1)),
  ACTIVITY_STREAM_NAME: z.string().check(z.minLength(1)),
  IMPORTS_BUCKET: z.string().check(z.minLength(1)),
  REPORTS_BUCKET: z.string().check(z.minLength(1)),
  INTEGRATION_BUS_NAME: z.string().check(z.minLength(1)),
  PENDING_ORDER_TTL_SECONDS: z._default(z.coerce.number().check(z.int(), z.positive()), 900),
  DEAD_LETTER_AFTER_RECEIVES: z.optional(z.coerce.number().check(z.int(), z.positive())),
  WEBSOCKET_API_ENDPOINT: z.optional(z.url()),
});

export type Config = {
  tableName: string;
  orderEventsTopicArn: string;
  activityStreamName: string;
  importsBucket: string;
  reportsBucket: string;
  /** The stage's EventBridge bus for orderflow's integration events. */
  integrationBusName: string;
  pendingOrderTtlSeconds: number;
  /** The maxReceiveCount of the queue a function consumes, where it has one (processPayment). */
  deadLetterAfterReceives?: number;
  /** Where WebSocket connections are posted to (the API's stage URL), where a function posts (pushOrderStatus). */
  websocketApiEndpoint?: string;
  /** How long a WebSocket connection and its subscriptions are kept: API Gateway closes a connection after 2 hours. */
  websocketConnectionTtlSeconds: number;
  /** Largest HTTP body we accept; API Gateway allows 10 MB, an order never needs more than this. */
  maxBodyBytes: number;
  /** Largest CSV import we process. */
  maxImportBytes: number;
  uploadUrlTtlSeconds: number;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`Invalid configuration, check these environment variables: ${missing}`);
  }
  const e = parsed.data;
  return {
    tableName: e.TABLE_NAME,
    orderEventsTopicArn: e.ORDER_EVENTS_TOPIC_ARN,
    activityStreamName: e.ACTIVITY_STREAM_NAME,
    importsBucket: e.IMPORTS_BUCKET,
    reportsBucket: e.REPORTS_BUCKET,
    integrationBusName: e.INTEGRATION_BUS_NAME,
    pendingOrderTtlSeconds: e.PENDING_ORDER_TTL_SECONDS,
    deadLetterAfterReceives: e.DEAD_LETTER_AFTER_RECEIVES,
    websocketApiEndpoint: e.WEBSOCKET_API_ENDPOINT,
    websocketConnectionTtlSeconds: 3 * 3600,
    maxBodyBytes: 64 * 1024,
    maxImportBytes: 1024 * 1024,
    uploadUrlTtlSeconds: 300,
  };
}

let loaded: Config | undefined;

/** The process-wide configuration, loaded on first use (at module init in every handler). */
export function config(): Config {
  loaded ??= loadConfig();
  return loaded;
}
