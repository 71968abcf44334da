/** The end-to-end suite's local cloud runs on ports of its own, so it can run beside `npm start`. */
export const E2E_PORTS = { http: 3100, lambda: 3102, sqs: 9424, edge: 4666 };

export const E2E_ENV = {
  LOCAL_HTTP_PORT: String(E2E_PORTS.http),
  LOCAL_LAMBDA_PORT: String(E2E_PORTS.lambda),
  LOCAL_SQS_PORT: String(E2E_PORTS.sqs),
  LOCAL_EDGE_PORT: String(E2E_PORTS.edge),
  LOCAL_CLOUD: 'embedded',
  AUTH_JWT_SECRET: 'e2e-secret',
};

export const PID_FILE = `${require('node:os').tmpdir()}/orderflow-e2e-local-cloud.pid`;
