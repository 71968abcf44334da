import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { pushStore } from '../lib/push/push-store';
import { traceInvocations } from '../lib/tracer';

const store = pushStore(config().tableName, config().websocketConnectionTtlSeconds);

/** WebSocket $disconnect: forgets the connection and its subscriptions (their TTL covers a $disconnect that never comes). */
export const handler = middy<APIGatewayProxyWebsocketEventV2, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(traceInvocations())
  .handler(async (event) => {
    await store.removeConnection(event.requestContext.connectionId);
    return { statusCode: 200, body: '' };
  });
