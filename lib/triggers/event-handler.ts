import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger } from '../logger';
import { publishMetrics } from '../metrics';
import { traceInvocations } from '../tracer';

/**
 * The Middy chain of asynchronous functions (SNS, S3, schedules). A thrown error is logged and
 * rethrown on purpose: Lambda retries the event and then sends it to the on-failure destination.
 */
export function eventHandler<E>(fn: (event: E, context: Context) => Promise<void>) {
  return middy<E, void>()
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
