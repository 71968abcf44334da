import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { jwtSecretOnce } from '../lib/auth/jwt-secret';
import { customerFromToken } from '../lib/auth/verify-token';
import { systemClock } from '../lib/clock';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { admitConnection } from '../lib/push/connect';
import { pushStore } from '../lib/push/push-store';
import { traceInvocations } from '../lib/tracer';

type ConnectEvent = APIGatewayProxyWebsocketEventV2 & { queryStringParameters?: Record<string, string | undefined> };

const jwtSecret = jwtSecretOnce();
const deps = {
  store: pushStore(config().tableName, config().websocketConnectionTtlSeconds),
  customerOf: async (token: string) => customerFromToken(token, await jwtSecret()),
  now: systemClock,
};

/** WebSocket $connect: admits a connection whose ?token= is a good JWT (401 without one, 403 for a bad one). */
export const handler = middy<ConnectEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(traceInvocations())
  .handler(async (event) => {
    const { connectionId } = event.requestContext;
    try {
      const statusCode = await admitConnection(deps, connectionId, event.queryStringParameters?.token);
      if (statusCode !== 200) logger.info('connection refused', { connectionId, statusCode });
      return { statusCode, body: '' };
    } catch (error) {
      logger.error('connection could not be admitted', error as Error);
      return { statusCode: 500, body: '' };
    }
  });
