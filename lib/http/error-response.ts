import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ClientError } from '../errors';
import { logger } from '../logger';

/** SPEC's error shape. The only place an error becomes an HTTP response. */
export function errorResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  if (error instanceof ClientError) {
    logger.info('request rejected', { code: error.code, status: error.status });
    return toResponse(error.status, error.code, error.message, error.details);
  }
  // Internal errors are logged whole and answered without a trace of their content.
  logger.error('request failed', error as Error);
  return toResponse(500, 'INTERNAL_ERROR', 'Something went wrong on our side; please retry later.', []);
}

function toResponse(status: number, code: string, message: string, details: unknown[]): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ error: { code, message, details } }),
  };
}
