import { url as inspectorUrl } from 'node:inspector';
import { resolve as resolvePath } from 'node:path';
import { auditService } from './audit';
import { buildFunctionsTogether, canBuildTogether, type EsbuildPlugin, type FunctionsBuild } from './build';
import { forkLocalCloud, type CloudProcess, type RunningCloud } from './cloud-client';
import { directInvoker, OFFLINE_RUNTIME } from './direct-invoker';
import { createFunctionFaults, installInvocationHook, wrapInvocations, type OfflineLambdaClass } from './invocations';
import { createInvocationRecorder } from './trace-recorder';
import { tapLogLines } from './log-tap';
import { forgetLoadedBundles } from './loaded-bundles';
import { compileSqsFilterPatterns } from './sqs-filter-patterns';
import { DEFAULT_SETTINGS, localEndpoints, planFor, sdkEnvironment, type LocalCloudSettings } from './settings';
import type { ServiceConfig } from '../cloud/provision/plan';
import { readClockOffsetMs } from '../cloud/control/local-clock';
import { shareClockWithFunctions } from './function-clock';

type Serverless = {
  service: ServiceConfig & {
    custom?: {
      localCloud?: Partial<LocalCloudSettings>;
      'serverless-offline'?: { lambdaPort?: number | string; httpPort?: number | string; websocketPort?: number | string; useInProcess?: boolean };
      'serverless-offline-sqs'?: Record<string, unknown>;
    };
  };
  getProvider(name: 'aws'): { getStage(): string };
  pluginManager: { getPlugins(): object[] };
  processedInput: { commands: string[] };
  serviceDir: string;
};
type Log = {
  (message: string): void;
  verbose(message: string): void;
  notice(message: string): void;
  warning(message: string): void;
  error(message: string): void;
};

// The Lambda runtime of serverless-offline (hapi and its routes), which serverless-offline-sqs and
// serverless-offline load right after this plugin's offline:start:init: loaded while the local cloud
// starts, it is off the path to ready.
const loadOfflineRuntime = () => import(OFFLINE_RUNTIME).then((runtime: { default: OfflineLambdaClass }) => runtime.default);

/** Debug mode: a function's timeout, in seconds (a day: no developer stays paused that long; Node's timers stop at 24.8 days). */
const DEBUG_TIMEOUT_SECONDS = 86_400;
/** Debug mode: how often this process tells the local cloud it is running (not paused at a breakpoint). */
const BEAT_MS = 100;

/**
 * The local cloud as a Serverless plugin, so that `serverless offline start` (what `npm start`
 * runs) brings it up and `serverless invoke local` reaches it. It acts on the local stages only.
 */
export class LocalCloudPlugin {
  readonly hooks: Record<string, () => Promise<void>>;
  readonly commands = {
    // Adds --fresh to serverless-offline's `offline start` (Serverless merges a command's options across plugins).
    offline: {
      commands: {
        start: {
          options: {
            fresh: { usage: 'Start the local cloud from an empty state, deleting what the last run kept (also LOCAL_CLOUD_FRESH=1)', type: 'boolean' },
          },
        },
      },
    },
    dlq: {
      usage: 'Inspect the local DLQs and on-failure queues, and send their messages back',
      commands: {
        list: { usage: 'Count and show what waits in each DLQ and on-failure queue', lifecycleEvents: ['list'] },
        redrive: {
          usage: 'Send the messages of one DLQ / on-failure queue back to where they failed',
          lifecycleEvents: ['redrive'],
          options: { queue: { usage: 'The queue, e.g. payments-dlq or reserve-inventory-failures', required: true, type: 'string' } },
        },
      },
    },
  };
  private cloudProcess?: CloudProcess;
  private cloud?: RunningCloud;
  private functions?: FunctionsBuild;
  private buildDir?: string;
  private invoker?: Awaited<ReturnType<typeof directInvoker>>;
  private unwrap: (() => void)[] = [];
  private functionClock?: ReturnType<typeof shareClockWithFunctions>;
  private beats?: NodeJS.Timeout;

  constructor(
    private readonly serverless: Serverless,
    private readonly options: { queue?: string; fresh?: boolean },
    private readonly utils: { log: Log },
  ) {
    const whenLocal = (fn: () => Promise<void>) => async () => (this.isLocalStage() ? fn() : undefined);
    this.hooks = {
      // Everything the other plugins' offline:start:init needs is done before any of them runs, whatever
      // the order of the plugins list: the resources exist (serverless-offline-sqs polls them at once),
      // the functions are built, the schedules are taken off serverless-offline's hands.
      'before:offline:start:init': whenLocal(() => this.start()),
      // After every plugin's init (serverless-esbuild has pointed the functions at their bundles) and
      // before serverless-offline's offline:start:ready, which waits for Ctrl-C.
      'after:offline:start:init': whenLocal(() => this.ready()),
      'offline:start:end': whenLocal(() => this.stop()),
      // serverless-esbuild's watcher announces a change: rebuild before serverless-offline drops its workers.
      'offline:functionsUpdated:cleanup': whenLocal(() => this.rebuildFunctions()),
      'dlq:list:list': whenLocal(() => this.listDlqs()),
      'dlq:redrive:redrive': whenLocal(() => this.redriveDlq()),
      // Before `invoke local` reads provider.environment (it cannot resolve a Ref without AWS).
      initialize: whenLocal(async () => {
        if (this.serverless.processedInput.commands.join(' ') === 'invoke local') {
          this.pointAtLocalCloud(planFor(this.serverless.service, this.settings(), this.stage()).environment);
          // The function reads the local cloud's clock, as it left it.
          shareClockWithFunctions(readClockOffsetMs(resolvePath(this.serverless.serviceDir, this.settings().stateDir, 'clock.json')));
        }
      }),
    };
    // The local cloud's process loads its code while Serverless loads the other plugins and resolves
    // the configuration; it gets the resolved configuration at before:offline:start:init.
    if (serverless.processedInput.commands.join(' ') === 'offline start' && this.isLocalStage()) {
      this.cloudProcess = this.forkCloud();
      // Before any worker thread exists: each one gets the shared clock when it is created.
      this.functionClock = shareClockWithFunctions();
    }
  }

  private forkCloud = () => forkLocalCloud((m) => this.utils.log.notice(`[local cloud] ${m}`));

  private stage = () => this.serverless.getProvider('aws').getStage();
  private isLocalStage = () => this.settings().stages.includes(this.stage());

  private settings(): LocalCloudSettings {
    const custom = this.serverless.service.custom ?? {};
    const offline = custom['serverless-offline'] ?? {};
    const merged = {
      ...DEFAULT_SETTINGS,
      httpPort: offline.httpPort ?? 3000,
      lambdaPort: offline.lambdaPort ?? DEFAULT_SETTINGS.lambdaPort,
      ...custom.localCloud,
    };
    // Ports may arrive as strings from ${env:...}.
    const environment = Object.fromEntries(Object.entries(merged.environment ?? {}).map(([key, value]) => [key, String(value)]));
    const fresh = Boolean(this.options.fresh) || ['1', 'true'].includes(process.env.LOCAL_CLOUD_FRESH ?? '');
    const stateDir = process.env.LOCAL_CLOUD_STATE_DIR || merged.stateDir;
    const persist = process.env.LOCAL_CLOUD_PERSIST ? process.env.LOCAL_CLOUD_PERSIST !== '0' : merged.persist;
    const traces = Number(process.env.LOCAL_CLOUD_TRACES ?? merged.console?.traces ?? DEFAULT_SETTINGS.console.traces);
    if (!Number.isInteger(traces) || traces < 0)
      throw new Error('custom.localCloud.console.traces (or LOCAL_CLOUD_TRACES) must be a whole number of traces to keep, 0 to turn tracing off');
    return {
      ...merged,
      console: { ...merged.console, traces },
      environment,
      fresh,
      stateDir,
      persist,
      httpPort: Number(merged.httpPort),
      lambdaPort: Number(merged.lambdaPort),
      sqsPort: Number(merged.sqsPort),
      edgePort: Number(merged.edgePort),
      openapiPort: Number(merged.openapiPort),
      debug: inspectorUrl() !== undefined,
      consolePort: Number(merged.consolePort),
    };
  }

  /** Resolved environment, SDK endpoints and `custom.localCloud.environment`, for the handlers and for this process. */
  private pointAtLocalCloud(environment: Record<string, string>): void {
    const settings = this.settings();
    const sdk = sdkEnvironment(localEndpoints(settings, this.serverless.service.provider.region ?? 'us-east-1'));
    Object.assign(process.env, sdk);
    this.serverless.service.provider.environment = { ...environment, ...sdk, ...settings.environment };
  }

  private async start(): Promise<void> {
    this.printAudit();
    this.filterSqsRecords();
    const { service, provider, functions, resources } = this.serverless.service;
    const config: ServiceConfig = {
      service,
      provider: { region: provider.region, environment: provider.environment, s3: provider.s3, timeout: provider.timeout },
      functions,
      resources,
    };
    this.cloudProcess ??= this.forkCloud();
    this.functionClock ??= shareClockWithFunctions();
    const functionClock = this.functionClock;
    this.cloudProcess.answerClock((offsetMs) => functionClock.set(offsetMs));
    const starting = this.cloudProcess.start({ config, settings: this.settings(), stage: this.stage(), serviceDir: this.serverless.serviceDir });
    starting.catch(() => undefined); // reported below, once the build started too
    if (this.settings().debug) this.debugFunctions();
    this.buildFunctions();
    const failed = (what: string) => (error: Error) => {
      this.utils.log.error(`${what}: ${error.message}`);
      throw error;
    };
    let Lambda: OfflineLambdaClass;
    [this.cloud, , Lambda] = await Promise.all([
      starting.catch(failed('The local cloud could not start')),
      this.functions?.built.catch(failed('The functions did not build')),
      loadOfflineRuntime(),
    ]);
    this.observeInvocations(Lambda);
    this.pointAtLocalCloud(this.cloud.environment);
    this.functionClock.set(this.cloud.clockOffsetMs);
    // The local cloud fires schedules itself, with Lambda's async retries: serverless-offline must not too.
    for (const fn of Object.values(this.serverless.service.functions)) fn.events = fn.events?.filter((event) => !event.schedule);
  }

  /**
   * Every invocation of this process (HTTP, serverless-offline-sqs, the local cloud's event sources)
   * passes through serverless-offline's invocation hook: recorded for the traces, faulted on demand.
   * While tracing, this process's output is watched for the functions' log lines naming a request id.
   */
  private observeInvocations(Lambda: OfflineLambdaClass): void {
    const cloud = this.cloudProcess!;
    const recorder = createInvocationRecorder({ tracing: this.settings().console.traces > 0, send: (batch) => cloud.sendHops(batch) });
    const faults = createFunctionFaults((fault) => recorder.faultUsed(fault.id));
    cloud.onFaults((next) => faults.table.replace(next));
    installInvocationHook(Lambda);
    if (recorder.wrapper) this.unwrap.push(wrapInvocations(recorder.wrapper));
    if (recorder.logLine) this.unwrap.push(tapLogLines([process.stdout, process.stderr], recorder.logLine));
    this.unwrap.push(wrapInvocations(faults.wrapper));
  }

  /**
   * Debug mode (the inspector is open in this process): every function runs in this process, where the
   * debugger is (serverless-offline-sqs's worker threads included), and none times out while paused at a
   * breakpoint. The queues' timers wait too (the beats, in ready()). The local cloud got the configured
   * timeouts already: its event queues keep their visibility timeouts.
   */
  private debugFunctions(): void {
    const custom = (this.serverless.service.custom ??= {});
    custom['serverless-offline'] = { ...custom['serverless-offline'], useInProcess: true };
    custom['serverless-offline-sqs'] = { ...custom['serverless-offline-sqs'], useInProcess: true };
    const { provider, functions } = this.serverless.service;
    provider.timeout = DEBUG_TIMEOUT_SECONDS;
    for (const fn of Object.values(functions)) fn.timeout = DEBUG_TIMEOUT_SECONDS;
    this.utils.log.notice(
      `[local cloud] debug mode: every function runs in this process (inspector ${inspectorUrl()}), with no timeout; queue timers wait while it is paused`,
    );
  }

  /** What of serverless.yml the local cloud does not run, one warning line each, before anything starts. */
  private printAudit(): void {
    const { warnings, deployOnly } = auditService(this.serverless.service);
    let planWarnings: string[] = [];
    try {
      planWarnings = planFor(this.serverless.service, this.settings(), this.stage()).warnings;
    } catch {
      // A configuration error: the local cloud's start reports it, naming what is wrong.
    }
    for (const line of new Set([...warnings, ...planWarnings])) this.utils.log.warning(line);
    if (deployOnly) this.utils.log.verbose(deployOnly);
  }

  /** serverless-offline-sqs (patched) applies each sqs event's filterPatterns with the local cloud's pattern engine. */
  private filterSqsRecords(): void {
    const custom = (this.serverless.service.custom ??= {});
    custom['serverless-offline-sqs'] = { ...custom['serverless-offline-sqs'], compileFilterPatterns: compileSqsFilterPatterns };
  }

  /**
   * One esbuild build for every function instead of serverless-esbuild's one per function, with the
   * same options and output paths (`npm start` only: packaging and `invoke local` keep its builds).
   */
  private buildFunctions(): void {
    const plugins = this.serverless.pluginManager.getPlugins();
    const esbuild = plugins.find((plugin) => plugin.constructor.name === 'EsbuildServerlessPlugin') as EsbuildPlugin | undefined;
    if (!esbuild || !canBuildTogether(esbuild)) return;
    // Listed before this plugin, serverless-esbuild has built each function already (its own way).
    if (plugins.indexOf(esbuild) < plugins.indexOf(this)) {
      if (this.settings().debug)
        this.utils.log.warning('debug mode: serverless-esbuild builds the functions itself; set custom.esbuild.sourcemap for breakpoints in TypeScript');
      return;
    }
    this.functions = buildFunctionsTogether(esbuild, { debug: this.settings().debug });
    this.buildDir = esbuild.buildDirPath;
    if (this.functions.reused) this.utils.log.verbose('The functions did not change since their last build: its bundles are used as they are');
    this.functions.built.catch(() => undefined); // reported by start()
  }

  private async rebuildFunctions(): Promise<void> {
    // esbuild has printed the errors; the previous bundles stay in place until the next change.
    await this.functions?.rebuild().then(
      () => this.buildDir && forgetLoadedBundles(this.buildDir),
      () => this.utils.log.error('The functions did not build; waiting for the next change'),
    );
  }

  private async ready(): Promise<void> {
    // The functions as serverless-offline runs them, now that serverless-esbuild has pointed them at their bundles.
    const offline = this.serverless.service.custom?.['serverless-offline'] ?? {};
    this.invoker = await directInvoker(this.serverless, offline, this.serverless.service.functions);
    this.cloudProcess?.answerInvocations(this.invoker.invoke);
    await this.cloud?.startEventSources();
    const s = this.settings();
    if (s.debug) {
      this.beats = setInterval(() => this.cloudProcess?.beat(), BEAT_MS);
      this.beats.unref();
    }
    const seconds = process.uptime().toFixed(1);
    const openapi = this.cloud?.openapiUrl ? ` · OpenAPI ${this.cloud.openapiUrl}` : '';
    // serverless-offline serves the WebSocket API (and its @connections endpoint) when a function has a websocket event.
    const hasWebsocket = Object.values(this.serverless.service.functions).some((fn) => fn.events?.some((event) => 'websocket' in event));
    const debuggerAt = s.debug ? ` · Debugger ${new URL(inspectorUrl()!).host}` : '';
    const websocket = hasWebsocket ? ` · WebSocket ws://127.0.0.1:${offline.websocketPort ?? 3001}` : '';
    const console = this.cloud?.consoleUrl ? ` · Console ${this.cloud.consoleUrl}` : '';
    this.utils.log.notice(
      `${this.serverless.service.service} local cloud ready in ${seconds}s (${this.cloud?.mode}): API http://127.0.0.1:${s.httpPort}${websocket} · Lambda 127.0.0.1:${s.lambdaPort} · SQS 127.0.0.1:${s.sqsPort} · AWS 127.0.0.1:${s.edgePort}${openapi}${console}${debuggerAt}`,
    );
  }

  /**
   * The plan, SDK clients and DLQ tools of the running local cloud, for the dlq commands; loaded
   * on demand, so that every other command starts without the SDK.
   */
  private async connect() {
    const [{ localClients }, dlq] = await Promise.all([import('../cloud/provision/clients'), import('../cloud/dlq')]);
    const settings = this.settings();
    const plan = planFor(this.serverless.service, settings, this.stage());
    return { plan, clients: localClients(localEndpoints(settings, plan.region)), ...dlq };
  }

  private async listDlqs(): Promise<void> {
    const { plan, clients, listFailures } = await this.connect();
    for (const queue of await listFailures(plan, clients)) {
      this.utils.log.notice(`${queue.queue} (${queue.kind}): ${queue.count} message(s)`);
      for (const sample of queue.samples) this.utils.log.notice(`  - ${sample}`);
    }
  }

  private async redriveDlq(): Promise<void> {
    const { plan, clients, redrive } = await this.connect();
    const moved = await redrive(plan, clients, this.options.queue ?? '', (m) => this.utils.log.warning(m));
    this.utils.log.notice(`${moved} message(s) sent back from ${this.options.queue}`);
  }

  private async stop(): Promise<void> {
    clearInterval(this.beats);
    await Promise.all([this.cloudProcess?.stop(), this.functions?.dispose()]);
    await this.invoker?.stop();
    for (const unwrap of this.unwrap.splice(0)) unwrap();
    this.invoker = undefined;
    this.cloudProcess = undefined;
    this.cloud = undefined;
  }
}
