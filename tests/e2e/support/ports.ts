/**
 * The end-to-end suite's local cloud runs on ports of its own, so it can run beside `npm start`;
 * E2E_PORT_OFFSET moves them all, for two checkouts testing on one machine.
 */
const OFFSET = Number(process.env.E2E_PORT_OFFSET ?? 0);
export const E2E_PORTS = {
  http: 3100 + OFFSET,
  websocket: 3101 + OFFSET,
  lambda: 3102 + OFFSET,
  sqs: 9424 + OFFSET,
  edge: 4666 + OFFSET,
  openapi: 3104 + OFFSET,
  console: 3105 + OFFSET,
};

export const E2E_ENV = {
  LOCAL_HTTP_PORT: String(E2E_PORTS.http),
  LOCAL_WEBSOCKET_PORT: String(E2E_PORTS.websocket),
  LOCAL_LAMBDA_PORT: String(E2E_PORTS.lambda),
  LOCAL_SQS_PORT: String(E2E_PORTS.sqs),
  LOCAL_EDGE_PORT: String(E2E_PORTS.edge),
  LOCAL_OPENAPI_PORT: String(E2E_PORTS.openapi),
  LOCAL_CONSOLE_PORT: String(E2E_PORTS.console),
  LOCAL_CLOUD: 'embedded',
  // A state of its own, started clean each run: never the developer's `npm start` state.
  LOCAL_CLOUD_STATE_DIR: `.offline-state/e2e${OFFSET || ''}`,
  LOCAL_CLOUD_FRESH: '1',
  AUTH_JWT_SECRET: 'e2e-secret',
};

export const PID_FILE = `${require('node:os').tmpdir()}/orderflow-e2e-local-cloud${OFFSET || ''}.pid`;
