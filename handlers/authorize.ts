import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { customerFromAuthorization } from '../lib/auth/verify-token';
import { jwtSecretOnce } from '../lib/auth/jwt-secret';
import { logger } from '../lib/logger';
import { traceInvocations } from '../lib/tracer';

type Result = APIGatewaySimpleAuthorizerWithContextResult<{ customerId: string }>;

const jwtSecret = jwtSecretOnce();

/** HTTP API simple-response authorizer: it answers yes or no and never throws. */
export const handler = middy<APIGatewayRequestAuthorizerEventV2, Result>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(traceInvocations())
  .handler(async (event) => {
    try {
      const customerId = await customerFromAuthorization(event.headers?.authorization, await jwtSecret());
      if (customerId) return { isAuthorized: true, context: { customerId } };
      logger.info('token rejected');
    } catch (error) {
      logger.error('authorizer could not check the token', error as Error);
    }
    return { isAuthorized: false, context: { customerId: '' } };
  });
