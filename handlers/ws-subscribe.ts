import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { systemClock } from '../lib/clock';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { pushStore } from '../lib/push/push-store';
import { errorMessage } from '../lib/push/status-message';
import { subscribe } from '../lib/push/subscribe';
import { traceInvocations } from '../lib/tracer';

const deps = { store: pushStore(config().tableName, config().websocketConnectionTtlSeconds), now: systemClock };

/**
 * WebSocket `subscribe` and `$default` routes: the reply (the order's status as it stands, or an
 * error in the HTTP API's shape) goes back to the client on the route's response.
 */
export const handler = middy<APIGatewayProxyWebsocketEventV2, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(traceInvocations())
  .handler(async (event) => {
    const { connectionId } = event.requestContext;
    try {
      const body = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      const reply = await subscribe(deps, connectionId, body);
      if ('error' in reply) logger.info('subscription refused', { connectionId, code: reply.error.code });
      return { statusCode: 200, body: JSON.stringify(reply) };
    } catch (error) {
      logger.error('subscription failed', error as Error);
      return { statusCode: 200, body: JSON.stringify(errorMessage('INTERNAL_ERROR', 'The subscription could not be made; try again.')) };
    }
  });
