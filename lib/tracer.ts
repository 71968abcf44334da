import type { MiddlewareObj } from '@middy/core';
import type * as TracerModule from '@aws-lambda-powertools/tracer';
import type * as TracerMiddlewareModule from '@aws-lambda-powertools/tracer/middleware';

/**
 * Powertools Tracer, loaded only where it records: inside Lambda (AWS_EXECUTION_ENV set) with tracing
 * not switched off. The X-Ray SDK it brings installs async hooks as it loads, and they tax every await
 * of the process whether or not anything is traced: in the local cloud, where one process runs the
 * handlers side by side, each with its own copy, that doubled the CPU of an order. Elsewhere (the
 * local cloud, the tests) it is never loaded, and the helpers below pass things through.
 */
const recording = Boolean(process.env.AWS_EXECUTION_ENV) && process.env.POWERTOOLS_TRACE_ENABLED !== 'false';

// Required on demand, so that the module is not even evaluated offline.
const tracer = recording ? new (require('@aws-lambda-powertools/tracer') as typeof TracerModule).Tracer() : undefined;

/** The SDK client, its calls traced as subsegments where the Tracer records. */
export function traced<T>(client: T): T {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}

/** Middy middleware that opens the invocation's segment where the Tracer records; none elsewhere. */
export function traceInvocations(): MiddlewareObj[] {
  if (!tracer) return [];
  return [(require('@aws-lambda-powertools/tracer/middleware') as typeof TracerMiddlewareModule).captureLambdaHandler(tracer)];
}

/** Whether this process records traces (for the observability bench). */
export const tracingRecorded = () => tracer !== undefined;
