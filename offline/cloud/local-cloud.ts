import { rmSync } from 'node:fs';
import { join, relative, resolve as resolvePath } from 'node:path';
import { refuseStateDirInUse, startEmbedded, type RunningEmulators } from './emulators/embedded';
import { localClients } from './provision/clients';
import { LOCAL_ACCESS_KEY, LOCAL_ACCOUNT_ID, localEndpoints, planFor, sdkEnvironment, type LocalCloudSettings } from '../plugin/settings';
import type { ServiceConfig } from './provision/plan';
import { provision } from './provision/provision';
import { runSeedModule } from './provision/seed-module';
import { startAsyncConsumer } from './async/async-consumer';
import { compileFilterCriteria } from './patterns/filter-criteria';
import { createDestinationSender } from './lambda/destinations';
import { fileCheckpoints } from './event-sources/checkpoints';
import type { Invoker } from './lambda/invoke';
import { startKinesisPoller } from './event-sources/kinesis-poller';
import { dynamodbStreamsSource, startDynamoDBStreamsPoller } from './event-sources/dynamodb-streams-poller';
import { startAfterSeed, streamTips, type StreamTips } from './event-sources/seed-positions';
import { createDeliveryTwins, startQueueBridge } from './queue-bridge';
import { startScheduler } from './async/scheduler';
import { createWakeSignal } from './event-sources/wake-signal';
import { detectMode, type Mode } from './mode';
import { startOpenApiServer, type OpenApiServer } from './openapi-server';
import { startConsoleServer, type ConsoleServer } from './console/console-server';
import { serviceWiring, wiringRoutes } from './console/wiring';
import { queueRoutes } from './console/queue-routes';
import { createTracer } from './trace/tracer';
import type { Fault } from './trace/faults';
import type { SendToDestination } from './lambda/destinations';
import { createLocalClock } from './control/local-clock';
import { clockRoutes, type ClockControl } from './control/clock-routes';
import { holdWhilePaused } from './control/pause-hold';

/** Longest the ready line waits for the stream mappings to take their starting positions. */
const POSITIONING_TIMEOUT_MS = 5000;

/** What the local cloud asks of the functions' process besides invocations. */
export type FunctionsProcess = {
  /** Makes the clock offset (ms) the functions read; settles once they read it. */
  shareClock?(offsetMs: number): Promise<void>;
};

/**
 * Brings the local cloud up: the emulators (unless ElasticMQ + LocalStack are already there), every
 * resource of serverless.yml, then the service's seed module. Event sources start later, once the functions can
 * be invoked through `invoke`.
 */
export async function startLocalCloud(
  config: ServiceConfig,
  settings: LocalCloudSettings,
  stage: string,
  serviceDir: string,
  invoke: Invoker,
  log: (m: string) => void,
  /** Sends the function faults in force to the functions' process, which applies them. */
  sendFaults: (faults: Fault[]) => void = () => undefined,
  functions: FunctionsProcess = {},
) {
  const plan = planFor(config, settings, stage);
  const endpoints = localEndpoints(settings, plan.region);
  const mode: Mode = await detectMode(settings, process.env.LOCAL_CLOUD);
  const tracer = createTracer({ limit: settings.console.traces, mode, sendFaults });
  let emulators: RunningEmulators | undefined;
  // The embedded emulators keep their data here between runs; --fresh (settings.fresh) starts from nothing.
  const stateDir = resolvePath(serviceDir, settings.stateDir, mode);
  if (settings.fresh) {
    refuseStateDirInUse(stateDir);
    rmSync(stateDir, { recursive: true, force: true });
  }
  // Beside the modes' directories: `sls invoke local` reads it without knowing the mode.
  const clock = createLocalClock({ file: resolvePath(serviceDir, settings.stateDir, 'clock.json'), restore: settings.persist && !settings.fresh });
  if (settings.fresh && mode === 'docker')
    log('--fresh: the containers keep their data (docker compose down to drop it); only the stream positions start anew');
  // The embedded Kinesis (and DynamoDB) say when records are written; LocalStack cannot, so there shards are polled.
  const streamWrites = mode === 'embedded' ? createWakeSignal() : undefined;
  if (mode === 'embedded') {
    emulators = await startEmbedded({
      region: plan.region,
      accountId: LOCAL_ACCOUNT_ID,
      sqsPort: settings.sqsPort,
      edgePort: settings.edgePort,
      accessKeyId: LOCAL_ACCESS_KEY,
      log,
      onStreamWrite: streamWrites!.notify,
      stateDir: settings.persist ? stateDir : undefined,
      observer: tracer.observer,
    });
  }
  const consumers: { stop(): Promise<void> }[] = [];
  let scheduler: ReturnType<typeof startScheduler> | undefined;
  const dockerTimers = 'docker mode: ElasticMQ keeps its own time; delays and visibility timeouts cannot be moved through the SQS API';
  clock.onAdvance(async (ms) => {
    await functions.shareClock?.(clock.offsetMs());
    if (emulators) emulators.shiftQueueTimers(-ms);
    else log(`clock advanced; ${dockerTimers}: async retry delays keep real time`);
    scheduler?.rearm();
  });
  // Debug mode: while the functions are paused at a breakpoint, the queues' timers wait for them.
  const pauses = settings.debug && emulators ? holdWhilePaused({ hold: (ms) => emulators!.shiftQueueTimers(ms), log }) : undefined;
  if (settings.debug && !emulators) log(`debug mode: ${dockerTimers}, so they keep running while a function is paused`);
  /** The console's clock API (control/clock-routes.ts). */
  const clockControl: ClockControl = {
    clock,
    fireSchedule: (functionKey) => scheduler?.fireNow(functionKey),
    scheduledFunctions: () => [...new Set(plan.schedules.map((s) => s.functionKey))],
    skipDelays() {
      if (emulators) return { ended: emulators.shiftQueueTimers(-Infinity) };
      const warning = `${dockerTimers}: nothing ended`;
      log(warning);
      return { ended: 0, warning };
    },
  };
  const clients = localClients(endpoints);
  // Keys name the function, the stream and its creation: a stream created anew starts from its starting position.
  const checkpoints = fileCheckpoints(join(stateDir, 'stream-checkpoints.json'));
  let openapi: OpenApiServer | undefined;
  let consoleServer: ConsoleServer | undefined;
  try {
    if (mode === 'docker') await createDeliveryTwins(plan, clients); // before the subscriptions that target them
    await provision(plan, clients, log);
    if (emulators && settings.persist) reportRestored(emulators.restoreQueues(), relative(serviceDir, stateDir) || stateDir, settings.fresh, log);
    if (settings.seed) {
      const environment = { ...plan.environment, ...sdkEnvironment(endpoints), ...settings.environment };
      const tablesOfStreams = [...new Set(plan.streamConsumers.filter((m) => m.source === 'dynamodb' && m.enabled).map((m) => m.stream))];
      // Whether each stream is empty before the seed; the seed's last records only where it was.
      const before = await Promise.all(tablesOfStreams.map((table) => tableStreamTips(clients, table, plan.region, { firstRecordOnly: true })));
      await runSeedModule(settings.seed, { environment, serviceDir, log });
      const after = await Promise.all(
        tablesOfStreams.map(async (table, index) => (before[index]?.tips.size === 0 ? tableStreamTips(clients, table, plan.region) : undefined)),
      );
      for (const mapping of plan.streamConsumers) {
        const index = tablesOfStreams.indexOf(mapping.stream);
        if (mapping.source !== 'dynamodb' || index < 0 || !before[index] || !after[index]) continue;
        if (startAfterSeed(mapping.functionName, before[index], after[index], checkpoints))
          log(`${mapping.functionKey}: starts after the seed's writes to ${mapping.stream} (seeded data predates its stream mappings)`);
      }
    }
    if (settings.openapi) {
      openapi = await startOpenApiServer({ serviceDir, file: settings.openapi, port: settings.openapiPort, apiUrl: `http://127.0.0.1:${settings.httpPort}` });
    }
    const wiring = serviceWiring(config, plan, stage);
    // Each part of the local cloud the console shows or controls adds its routes here, one line each.
    const routes = [...wiringRoutes(wiring), ...queueRoutes({ plan, clients, wiring, log }), ...tracer.routes, ...clockRoutes(clockControl)];
    consoleServer = await startConsoleServer({ port: settings.consolePort, routes, log });
  } catch (error) {
    await openapi?.stop();
    await emulators?.stop();
    throw error;
  }

  return {
    mode,
    plan,
    endpoints,
    openapiUrl: openapi?.url,
    consoleUrl: consoleServer!.url,
    tracer,
    clock,
    clockControl,
    /** Debug mode: the functions' process is running (not paused at a breakpoint). */
    functionsBeat: () => pauses?.beat(),
    /** Starts every event source; settles once the stream mappings took their starting positions. */
    async startEventSources(): Promise<void> {
      const common = { clients, region: plan.region, accountId: LOCAL_ACCOUNT_ID, log, invoke, tracer };
      if (mode === 'docker') consumers.push(startQueueBridge(plan, clients, log));
      const eventQueues = new Map(plan.asyncConsumers.map((c) => [c.functionName, c.queue]));
      const functionKeys = new Map([...plan.asyncConsumers, ...plan.streamConsumers].map((c) => [c.functionName, c.functionKey]));
      const sendToDestination = traced(
        createDestinationSender(clients, { asyncQueueOf: (functionName) => eventQueues.get(functionName), log }),
        tracer,
        functionKeys,
      );
      for (const consumer of plan.asyncConsumers) {
        consumers.push(
          startAsyncConsumer(consumer, {
            ...common,
            sendToDestination,
            retryDelaysSeconds: settings.asyncRetryDelaysSeconds,
            concurrency: settings.asyncConcurrency,
            clock,
          }),
        );
      }
      scheduler = startScheduler(plan.schedules, { ...common, now: clock.now });
      consumers.push(scheduler);
      const positioned: Promise<void>[] = [];
      for (const mapping of plan.streamConsumers) {
        if (!mapping.enabled) {
          log(`${mapping.functionKey}: ${mapping.source} event source not started (enabled: false)`);
          continue;
        }
        const start = mapping.source === 'kinesis' ? startKinesisPoller : startDynamoDBStreamsPoller;
        const filter = compileFilterCriteria(mapping.source, mapping.filterPatterns, `${mapping.functionKey}: stream.filterPatterns`);
        const poller = start(mapping, {
          ...common,
          checkpoints,
          idlePollMs: settings.kinesisIdlePollMs,
          writes: streamWrites,
          retryDelayMs: settings.kinesisRetryDelayMs,
          sendToDestination,
          filter,
          clock,
        });
        consumers.push(poller);
        positioned.push(poller.positioned);
      }
      // A record written once the local cloud says it is ready reaches a LATEST mapping, as one written
      // after a mapping is created on AWS does. Bounded: a slow emulator must not hold the start up.
      await Promise.race([Promise.all(positioned), new Promise((resolve) => setTimeout(resolve, POSITIONING_TIMEOUT_MS).unref())]);
    },
    async stop() {
      pauses?.stop();
      await Promise.all([...consumers.map((c) => c.stop()), openapi?.stop(), consoleServer?.close()]);
      await emulators?.stop();
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

/**
 * Each record sent to a destination is a hop of the event it is about, named by the function's key
 * (`functionKeys`: deployed name → key), as its invocations are.
 */
function traced(send: SendToDestination, tracer: ReturnType<typeof createTracer>, functionKeys: ReadonlyMap<string, string>): SendToDestination {
  if (!tracer.tracing) return send;
  return async (destination, record) => {
    const r = record as { requestContext?: { functionArn?: string; condition?: string }; requestPayload?: unknown };
    const functionName = r.requestContext?.functionArn?.split(':')[6];
    const hop = {
      kind: 'destination' as const,
      at: Date.now(),
      function: functionName && (functionKeys.get(functionName) ?? functionName),
      target: destination.arn,
      reason: r.requestContext?.condition,
    };
    try {
      await send(destination, record);
      tracer.recordAbout({ ...hop, outcome: 'ok' }, record);
    } catch (error) {
      tracer.recordAbout({ ...hop, outcome: 'error', error: { errorType: (error as Error).name, errorMessage: (error as Error).message } }, record);
      throw error;
    }
  };
}

/** The tips of a table's stream, or undefined when it has none (its mappings say so when they start). */
function tableStreamTips(
  clients: ReturnType<typeof localClients>,
  table: string,
  region: string,
  options?: { firstRecordOnly?: boolean },
): Promise<StreamTips | undefined> {
  return streamTips(dynamodbStreamsSource(clients.dynamodb, clients.dynamodbStreams, table, region), options).catch(() => undefined);
}

function reportRestored({ restored, dropped }: { restored: number; dropped: string[] }, where: string, fresh: boolean, log: (m: string) => void): void {
  if (fresh) log(`fresh state in ${where}`);
  else log(`state kept in ${where} (--fresh starts clean): ${restored} queued message(s) restored`);
  for (const line of dropped) log(`not restored: ${line}`);
}

export type LocalCloud = Awaited<ReturnType<typeof startLocalCloud>>;
