import type { Endpoints } from '../cloud/provision/clients';
import { planLocalCloud, type LocalCloudPlan, type ServiceConfig } from '../cloud/provision/plan';

// What the plugin needs in the Serverless process, apart from the heavy local cloud itself
// (local-cloud.ts runs in its own process): settings, endpoints, the plan.

/** `custom.localCloud` in serverless.yml. */
export type LocalCloudSettings = {
  stages: string[];
  httpPort: number;
  sqsPort: number;
  edgePort: number;
  lambdaPort: number;
  asyncRetryDelaysSeconds: number[];
  asyncConcurrency: number;
  kinesisIdlePollMs: number;
  kinesisRetryDelayMs: number;
  /** Where the local cloud keeps its data between runs (relative to the service); LOCAL_CLOUD_STATE_DIR overrides it. */
  stateDir: string;
  /** Keep the embedded emulators' data in stateDir between runs (LOCAL_CLOUD_PERSIST=0: in memory, gone at stop). */
  persist: boolean;
  /** Start from an empty state (`--fresh`, or LOCAL_CLOUD_FRESH=1): what the last run left is deleted. */
  fresh: boolean;
  /** A module of the service run once after provisioning (seed-module.ts), relative to the service. */
  seed?: string;
  /** The functions' environment in the local cloud only, over provider.environment. */
  environment: Record<string, string>;
  /** An OpenAPI document (JSON) of the service, relative to it, served at GET /openapi.json on `openapiPort`. */
  openapi?: string;
  openapiPort: number;
  /** The console (page and JSON API) on 127.0.0.1 (cloud/console/console-server.ts). */
  consolePort: number;
  /** The console: `traces` is how many traces it keeps (the last N); 0 turns tracing off (LOCAL_CLOUD_TRACES overrides it). */
  console: { traces: number };
  /** The Serverless process runs with the Node inspector open (`npm run debug`): see the README's "Debug mode". */
  debug: boolean;
};

export const DEFAULT_SETTINGS: LocalCloudSettings = {
  stages: ['local'],
  httpPort: 3000,
  sqsPort: 9324,
  edgePort: 4566,
  lambdaPort: 3002,
  asyncRetryDelaysSeconds: [1, 2],
  asyncConcurrency: 4,
  kinesisIdlePollMs: 1000,
  kinesisRetryDelayMs: 200,
  stateDir: '.offline-state',
  persist: true,
  fresh: false,
  environment: {},
  openapiPort: 3004,
  consolePort: 3005,
  console: { traces: 200 },
  debug: false,
};

/** The account id both LocalStack and ElasticMQ use by default. */
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_ACCESS_KEY = 'test';

export function localEndpoints(settings: LocalCloudSettings, region: string): Endpoints {
  return {
    region,
    sqs: `http://127.0.0.1:${settings.sqsPort}`,
    edge: `http://127.0.0.1:${settings.edgePort}`,
    lambda: `http://127.0.0.1:${settings.lambdaPort}`,
    accessKeyId: LOCAL_ACCESS_KEY,
  };
}

/** The environment that points the AWS SDK (in the handlers too) at the local cloud. */
export function sdkEnvironment(endpoints: Endpoints): Record<string, string> {
  return {
    AWS_REGION: endpoints.region,
    AWS_DEFAULT_REGION: endpoints.region,
    AWS_ACCESS_KEY_ID: endpoints.accessKeyId,
    AWS_SECRET_ACCESS_KEY: endpoints.accessKeyId,
    AWS_ENDPOINT_URL: endpoints.edge,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_LAMBDA: endpoints.lambda,
  };
}

export function planFor(config: ServiceConfig, settings: LocalCloudSettings, stage: string): LocalCloudPlan {
  return planLocalCloud(config, { stage, accountId: LOCAL_ACCOUNT_ID, sqsEndpoint: `http://127.0.0.1:${settings.sqsPort}` });
}
