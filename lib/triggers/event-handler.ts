import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger } from '../logger';
import { publishMetrics } from '../metrics';
import { traceInvocations } from '../tracer';

/**
 * The Middy chain of asynchronous functions (SNS, S3, EventBridge, schedules). A thrown error is logged
 * and rethrown on purpose: Lambda retries the event and then sends it to the on-failure destination.
 * What the function returns is the `responsePayload` of its on-success destination's record.
 */
export function eventHandler<E, R = void>(fn: (event: E, context: Context) => Promise<R>) {
  return middy<E, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(traceInvocations())
    .use(publishMetrics())
    .use({
      onError: ({ error }) => {
        logger.error('event failed; Lambda will retry it, then send it to the on-failure destination', error as Error);
      },
    })
    .handler(fn);
}
