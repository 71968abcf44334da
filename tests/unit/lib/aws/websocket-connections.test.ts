import {
  ApiGatewayManagementApiClient,
  ApiGatewayManagementApiServiceException,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { mockClient } from 'aws-sdk-client-mock';

process.env.WEBSOCKET_API_ENDPOINT = 'https://abc123.execute-api.us-east-1.amazonaws.com/test';
const { postToConnection, websocketApi } = require('../../../../lib/aws/websocket-connections') as typeof import('../../../../lib/aws/websocket-connections');

const api = mockClient(ApiGatewayManagementApiClient);
afterEach(() => api.reset());
const metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode }, $fault: 'client' as const });

describe('postToConnection', () => {
  it("posts to the API's stage URL from WEBSOCKET_API_ENDPOINT", async () => {
    api.on(PostToConnectionCommand).resolves({});

    expect(await postToConnection('conn-1', '{"status":"PAID"}')).toBe('SENT');
    const input = api.commandCalls(PostToConnectionCommand)[0].args[0].input;
    expect({ ConnectionId: input.ConnectionId, Data: new TextDecoder().decode(input.Data as Uint8Array) }).toEqual({
      ConnectionId: 'conn-1',
      Data: '{"status":"PAID"}',
    });
    const endpoint = await websocketApi.config.endpoint!();
    expect(`${endpoint.protocol}//${endpoint.hostname}${endpoint.path}`).toBe('https://abc123.execute-api.us-east-1.amazonaws.com/test');
  });

  it('says GONE for a connection that is gone: GoneException, or a bare 410', async () => {
    api
      .on(PostToConnectionCommand)
      .rejectsOnce(new GoneException({ message: 'gone', ...metadata(410) }))
      .rejectsOnce(new ApiGatewayManagementApiServiceException({ name: '410', message: 'UnknownError', ...metadata(410) }));

    expect(await postToConnection('conn-2', '{}')).toBe('GONE');
    expect(await postToConnection('conn-2', '{}')).toBe('GONE');
  });

  it('throws any other failure, for the change to be pushed again', async () => {
    api
      .on(PostToConnectionCommand)
      .rejects(new ApiGatewayManagementApiServiceException({ name: 'LimitExceededException', message: 'slow down', ...metadata(429) }));

    await expect(postToConnection('conn-3', '{}')).rejects.toThrow('slow down');
  });
});
