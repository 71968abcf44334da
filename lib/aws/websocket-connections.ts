import { ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { config } from '../config';
import { traced } from '../tracer';

// The management API has no regional endpoint of its own: it is the WebSocket API's stage URL
// (params.websocketApiEndpoint), which the SDK's standard settings cannot give.
function websocketApiEndpoint(): string {
  const endpoint = config().websocketApiEndpoint;
  if (!endpoint) throw new Error('Invalid configuration, check these environment variables: WEBSOCKET_API_ENDPOINT');
  return endpoint;
}

export const websocketApi = traced(new ApiGatewayManagementApiClient({ endpoint: websocketApiEndpoint() }));

/**
 * The connection is gone: API Gateway answers 410 (GoneException). Judged by the status too, as
 * serverless-offline's WebSocket server answers a bare 410 without the error's name.
 */
export const isGone = (error: unknown): boolean =>
  error instanceof GoneException || (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 410;

/** Posts a message to a WebSocket client: GONE when it is no longer connected; other failures throw. */
export async function postToConnection(connectionId: string, message: string, client = websocketApi): Promise<'SENT' | 'GONE'> {
  try {
    await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: new TextEncoder().encode(message) }));
    return 'SENT';
  } catch (error) {
    if (isGone(error)) return 'GONE';
    throw error;
  }
}
