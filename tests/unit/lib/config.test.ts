import { loadConfig } from '../../../lib/config';

const complete = {
  TABLE_NAME: 'orderflow-local',
  ORDER_EVENTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:orderflow-local-order-events',
  ACTIVITY_STREAM_NAME: 'orderflow-local-order-activity',
  IMPORTS_BUCKET: 'orderflow-local-imports',
  REPORTS_BUCKET: 'orderflow-local-reports',
  INTEGRATION_BUS_NAME: 'orderflow-local',
  PENDING_ORDER_TTL_SECONDS: '120',
};

describe('loadConfig', () => {
  it('reads every variable and adds the fixed limits', () => {
    expect(loadConfig(complete)).toEqual({
      tableName: 'orderflow-local',
      orderEventsTopicArn: 'arn:aws:sns:us-east-1:000000000000:orderflow-local-order-events',
      activityStreamName: 'orderflow-local-order-activity',
      importsBucket: 'orderflow-local-imports',
      reportsBucket: 'orderflow-local-reports',
      integrationBusName: 'orderflow-local',
      pendingOrderTtlSeconds: 120,
      maxBodyBytes: 65536,
      maxImportBytes: 1048576,
      uploadUrlTtlSeconds: 300,
      websocketConnectionTtlSeconds: 10800,
    });
  });

  it("reads the WebSocket API's stage URL where a function posts to connections, and refuses one that is not a URL", () => {
    expect(loadConfig({ ...complete, WEBSOCKET_API_ENDPOINT: 'https://abc123.execute-api.us-east-1.amazonaws.com/prod' }).websocketApiEndpoint).toBe(
      'https://abc123.execute-api.us-east-1.amazonaws.com/prod',
    );
    expect(() => loadConfig({ ...complete, WEBSOCKET_API_ENDPOINT: 'abc123' })).toThrow('WEBSOCKET_API_ENDPOINT');
  });

  it('defaults the pending-order deadline to 900 seconds', () => {
    const { PENDING_ORDER_TTL_SECONDS: _omitted, ...env } = complete;

    expect(loadConfig(env).pendingOrderTtlSeconds).toBe(900);
  });

  it.each(['TABLE_NAME', 'ORDER_EVENTS_TOPIC_ARN', 'ACTIVITY_STREAM_NAME', 'IMPORTS_BUCKET', 'REPORTS_BUCKET', 'INTEGRATION_BUS_NAME'])(
    'fails with a message naming the missing %s',
    (name) => {
      const env: Record<string, string> = { ...complete };
      delete env[name];

      expect(() => loadConfig(env)).toThrow(`Invalid configuration, check these environment variables: ${name}`);
    },
  );

  it('treats an empty variable as missing', () => {
    expect(() => loadConfig({ ...complete, TABLE_NAME: '' })).toThrow('check these environment variables: TABLE_NAME');
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PENDING_ORDER_TTL_SECONDS: 'soon' })).toThrow(
      'Invalid configuration, check these environment variables: TABLE_NAME, ORDER_EVENTS_TOPIC_ARN, ACTIVITY_STREAM_NAME, IMPORTS_BUCKET, REPORTS_BUCKET, INTEGRATION_BUS_NAME, PENDING_ORDER_TTL_SECONDS',
    );
  });

  it.each(['soon', '0', '-5', '1.5'])('refuses the deadline %p', (ttl) => {
    expect(() => loadConfig({ ...complete, PENDING_ORDER_TTL_SECONDS: ttl })).toThrow('PENDING_ORDER_TTL_SECONDS');
  });
});
