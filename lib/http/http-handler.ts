import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { logger } from '../logger';
import { config } from '../config';
import { publishMetrics } from '../metrics';
import { traceInvocations } from '../tracer';
import { CORRELATION_HEADER, correlationIdFrom } from './correlation';
import { errorResponse } from './error-response';
import type { HttpResult } from './http-result';
import { jsonBody } from './json-body';

/** The event an HTTP handler sees: API Gateway's, plus what the chain adds. */
export type HttpEvent<Body = unknown> = Omit<APIGatewayProxyEventV2, 'body'> & {
  body: Body;
  correlationId: string;
  /** The authorizer's customer id (`sub`); empty on public routes. */
  customerId: string;
};

type Options = { jsonBody?: boolean };

/** Wraps an HTTP handler in the one Middy chain every route shares. */
export function httpHandler<Body = unknown>(fn: (event: HttpEvent<Body>, context: Context) => Promise<HttpResult>, options: Options = {}) {
  const chain = middy<HttpEvent<Body>, APIGatewayProxyStructuredResultV2>()
    .use(httpHeaderNormalizer() as MiddlewareObj<HttpEvent<Body>>)
    .use(requestContext())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(traceInvocations())
    .use(publishMetrics())
    .use(httpResponse());
  if (options.jsonBody) chain.use(jsonBody(config().maxBodyBytes) as unknown as MiddlewareObj<HttpEvent<Body>>);
  return chain.handler(fn as never);
}

function requestContext(): MiddlewareObj<HttpEvent> {
  return {
    before: ({ event }) => {
      event.correlationId = correlationIdFrom(event.headers);
      const authorizer = (event.requestContext as { authorizer?: { lambda?: { customerId?: string } } }).authorizer;
      event.customerId = authorizer?.lambda?.customerId ?? '';
      logger.setCorrelationId(event.correlationId);
    },
  };
}

function httpResponse(): MiddlewareObj<HttpEvent, APIGatewayProxyStructuredResultV2> {
  return {
    after: (request) => {
      const result = request.response as unknown as HttpResult;
      request.response = {
        statusCode: result.status,
        headers: {
          ...(result.body === undefined ? {} : { 'content-type': 'application/json' }),
          [CORRELATION_HEADER]: request.event.correlationId,
          ...result.headers,
        },
        body: result.body === undefined ? '' : JSON.stringify(result.body),
      };
    },
    onError: (request) => {
      request.response = errorResponse(request.error);
      if (request.event?.correlationId) {
        request.response.headers = { ...request.response.headers, [CORRELATION_HEADER]: request.event.correlationId };
      }
    },
  };
}
