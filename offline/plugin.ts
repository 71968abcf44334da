import { DEFAULT_SETTINGS, localEndpoints, planFor, sdkEnvironment, startLocalCloud, type LocalCloud, type LocalCloudSettings } from './local-cloud';
import type { ServiceConfig } from './provision/plan';

type Serverless = {
  service: ServiceConfig & {
    custom?: { localCloud?: Partial<LocalCloudSettings>; 'serverless-offline'?: { lambdaPort?: number | string; httpPort?: number | string } };
  };
  getProvider(name: 'aws'): { getStage(): string };
  processedInput: { commands: string[] };
  serviceDir: string;
};
type Log = { (message: string): void; notice(message: string): void; warning(message: string): void; error(message: string): void };

/**
 * The local cloud as a Serverless plugin, so that `serverless offline start` (what `npm start`
 * runs) brings it up and `serverless invoke local` reaches it. It acts on the local stages only.
 */
export class LocalCloudPlugin {
  readonly hooks: Record<string, () => Promise<void>>;
  private cloud?: LocalCloud;

  constructor(
    private readonly serverless: Serverless,
    _options: unknown,
    private readonly utils: { log: Log },
  ) {
    const whenLocal = (fn: () => Promise<void>) => async () => (this.isLocalStage() ? fn() : undefined);
    this.hooks = {
      'before:offline:start:init': whenLocal(() => this.start()),
      'offline:start:ready': whenLocal(() => this.ready()),
      'offline:start:end': whenLocal(() => this.stop()),
      // Before `invoke local` reads provider.environment (it cannot resolve a Ref without AWS).
      initialize: whenLocal(async () => {
        if (this.serverless.processedInput.commands.join(' ') === 'invoke local') {
          this.pointAtLocalCloud(planFor(this.serverless.service, this.settings(), this.stage()).environment);
        }
      }),
    };
  }

  private stage = () => this.serverless.getProvider('aws').getStage();
  private isLocalStage = () => this.settings().stages.includes(this.stage());

  private settings(): LocalCloudSettings {
    const custom = this.serverless.service.custom ?? {};
    const offline = custom['serverless-offline'] ?? {};
    const merged = { ...DEFAULT_SETTINGS, httpPort: offline.httpPort ?? 3000, lambdaPort: offline.lambdaPort ?? DEFAULT_SETTINGS.lambdaPort, ...custom.localCloud };
    // Ports may arrive as strings from ${env:...}.
    return { ...merged, httpPort: Number(merged.httpPort), lambdaPort: Number(merged.lambdaPort), sqsPort: Number(merged.sqsPort), edgePort: Number(merged.edgePort) };
  }

  /** Resolved environment and SDK endpoints, for the handlers and for this process. */
  private pointAtLocalCloud(environment: Record<string, string>): void {
    const sdk = sdkEnvironment(localEndpoints(this.settings(), this.serverless.service.provider.region ?? 'us-east-1'));
    Object.assign(process.env, sdk);
    this.serverless.service.provider.environment = { ...environment, ...sdk };
  }

  private async start(): Promise<void> {
    try {
      this.cloud = await startLocalCloud(this.serverless.service, this.settings(), this.stage(), this.serverless.serviceDir, (m) => this.utils.log.notice(`[local cloud] ${m}`));
    } catch (error) {
      this.utils.log.error(`The local cloud could not start: ${(error as Error).message}`);
      throw error;
    }
    this.pointAtLocalCloud(this.cloud.plan.environment);
  }

  private async ready(): Promise<void> {
    this.cloud?.startEventSources();
    const s = this.settings();
    const seconds = process.uptime().toFixed(1);
    this.utils.log.notice(
      `orderflow local cloud ready in ${seconds}s (${this.cloud?.mode}): API http://127.0.0.1:${s.httpPort} · Lambda 127.0.0.1:${s.lambdaPort} · SQS 127.0.0.1:${s.sqsPort} · AWS 127.0.0.1:${s.edgePort}`,
    );
  }

  private async stop(): Promise<void> {
    await this.cloud?.stop();
    this.cloud = undefined;
  }
}
