import '../support/quiet-sdk';
import type { TestCloud } from '../support/test-cloud';
import { ACCOUNT_ID, CREDENTIALS, REGION } from '../support/test-cloud';

// The SDK v2 that serverless-offline-sqs uses prints a maintenance notice on load.
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';

/** An SQS record as the function receives it (what the tests read of it). */
export type SqsRecord = { messageId: string; body: string; attributes: Record<string, string> };
export type Invocation = { records: SqsRecord[]; startedAt: number; endedAt?: number };
/** What the scripted function does with its n-th batch (1-based): its response, or a throw. */
export type Handler = (records: SqsRecord[], invocation: number) => Promise<unknown> | unknown;

/**
 * A stand-in for serverless-offline's Lambda runner, the part serverless-offline-sqs uses:
 * `get(functionKey)` hands out a function instance (a new one each time, as its pool does for
 * concurrent invocations) whose `setEvent` + `runHandler` run the test's handler on a JSON copy of
 * the event, recording each invocation.
 */
export function recordingLambda(handler: Handler) {
  const invocations: Invocation[] = [];
  return {
    invocations,
    /** The bodies of each invocation's records. */
    batches: () => invocations.map((i) => i.records.map((r) => r.body)),
    delivered: () => invocations.flatMap((i) => i.records.map((r) => r.body)),
    get(_functionKey: string) {
      let event: { Records: SqsRecord[] } = { Records: [] };
      return {
        setEvent(value: unknown) {
          event = JSON.parse(JSON.stringify(value));
        },
        async runHandler() {
          const invocation: Invocation = { records: event.Records, startedAt: Date.now() };
          invocations.push(invocation);
          try {
            return await handler(event.Records, invocations.length);
          } finally {
            invocation.endedAt = Date.now();
          }
        },
      };
    },
  };
}

export type SqsEventConfig = {
  arn: string;
  batchSize?: number;
  functionResponseType?: 'ReportBatchItemFailures';
  maximumConcurrency?: number;
  filterPatterns?: unknown[];
};

type OfflineSqs = {
  create(events: { functionKey: string; sqs: SqsEventConfig }[]): Promise<void>;
  start(): void;
  stop(): void;
  queue: { onIdle(): Promise<void> };
};

/**
 * serverless-offline-sqs's poller (patched, patches/) for one `sqs` event of `functionKey`, against
 * the test cloud's SQS, as serverless-offline-sqs builds it from the plugin options.
 */
export async function startOfflineSqs(
  cloud: TestCloud,
  lambda: ReturnType<typeof recordingLambda>,
  sqs: SqsEventConfig,
  options: {
    compileFilterPatterns?: (patterns: unknown[], where: { functionKey: string; queueName: string }) => (record: Record<string, unknown>) => boolean;
  } = {},
) {
  const SQS = require('serverless-offline-sqs/src/sqs') as new (lambda: unknown, resources: unknown, options: Record<string, unknown>) => OfflineSqs;
  const poller = new SQS(
    lambda,
    {},
    {
      endpoint: cloud.sqsEndpoint,
      region: REGION,
      accountId: ACCOUNT_ID,
      accessKeyId: CREDENTIALS.accessKeyId,
      secretAccessKey: CREDENTIALS.secretAccessKey,
      apiVersion: '2012-11-05',
      waitTimeSeconds: 1,
      ...options,
    },
  );
  await poller.create([{ functionKey: 'consumer', sqs }]);
  poller.start();
  return {
    /** Stops polling and waits for the polls and invocations under way. */
    async stop() {
      poller.stop();
      await poller.queue.onIdle();
    },
  };
}

/** The warnings serverless-offline-sqs logs (through Serverless' log, which jest cannot resolve by alias). */
export const warnings: string[] = [];
export const serverlessLog = () => {
  const log = Object.assign((m: string) => warnings.push(m), {
    warning: (m: string) => warnings.push(m),
    debug: () => undefined,
    notice: () => undefined,
    info: () => undefined,
    verbose: () => undefined,
    error: (m: string) => warnings.push(m),
  });
  return { log };
};
