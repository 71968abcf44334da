// The environment every handler expects, as the local stage sets it; tests point the SDK at
// their own emulators by setting AWS_ENDPOINT_URL* themselves.
Object.assign(process.env, {
  AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
  AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'test',
  AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
  TABLE_NAME: 'orderflow-test',
  ORDER_EVENTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:orderflow-test-order-events',
  ACTIVITY_STREAM_NAME: 'orderflow-test-order-activity',
  IMPORTS_BUCKET: 'orderflow-test-imports',
  REPORTS_BUCKET: 'orderflow-test-reports',
  INTEGRATION_BUS_NAME: 'orderflow-test',
  PENDING_ORDER_TTL_SECONDS: '900',
  AUTH_JWT_SECRET: 'test-secret',
  POWERTOOLS_SERVICE_NAME: 'orderflow',
  POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
  // Metrics on, whatever an earlier test file in this worker left behind (the seed-module tests load
  // the local stage's environment, where they are off): the metrics tests read the EMF lines.
  POWERTOOLS_METRICS_DISABLED: 'false',
  // @aws-sdk/core warns once per process that its Node 20 support ends in 2027: no news for a test run.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? 'true',
});
