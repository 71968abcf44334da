import { rmSync } from 'node:fs';
import { join, relative, resolve as resolvePath } from 'node:path';
import { startEmbedded, type RunningEmulators } from './emulators/embedded';
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

/** Longest the ready line waits for the stream mappings to take their starting positions. */
const POSITIONING_TIMEOUT_MS = 5000;

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
) {
  const plan = planFor(config, settings, stage);
  const endpoints = localEndpoints(settings, plan.region);
  const mode: Mode = await detectMode(settings, process.env.LOCAL_CLOUD);
  let emulators: RunningEmulators | undefined;
  // The embedded emulators keep their data here between runs; --fresh (settings.fresh) starts from nothing.
  const stateDir = resolvePath(serviceDir, settings.stateDir, mode);
  if (settings.fresh) rmSync(stateDir, { recursive: true, force: true });
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
    });
  }
  const clients = localClients(endpoints);
  // Keys name the function, the stream and its creation: a stream created anew starts from its starting position.
  const checkpoints = fileCheckpoints(join(stateDir, 'stream-checkpoints.json'));
  let openapi: OpenApiServer | undefined;
  try {
    if (mode === 'docker') await createDeliveryTwins(plan, clients); // before the subscriptions that target them
    await provision(plan, clients, log);
    if (emulators && settings.persist) reportRestored(emulators.restoreQueues(), relative(serviceDir, stateDir) || stateDir, settings.fresh, log);
    if (settings.seed) {
      const environment = { ...plan.environment, ...sdkEnvironment(endpoints), ...settings.environment };
      const tablesOfStreams = [...new Set(plan.streamConsumers.filter((m) => m.source === 'dynamodb' && m.enabled).map((m) => m.stream))];
      const tips = (tables: string[]) => Promise.all(tables.map((table) => tableStreamTips(clients, table, plan.region)));
      const before = await tips(tablesOfStreams);
      await runSeedModule(settings.seed, { environment, serviceDir, log });
      const after = await tips(tablesOfStreams);
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
  } catch (error) {
    await emulators?.stop();
    throw error;
  }

  const consumers: { stop(): Promise<void> }[] = [];
  return {
    mode,
    plan,
    endpoints,
    openapiUrl: openapi?.url,
    /** Starts every event source; settles once the stream mappings took their starting positions. */
    async startEventSources(): Promise<void> {
      const common = { clients, region: plan.region, accountId: LOCAL_ACCOUNT_ID, log, invoke };
      if (mode === 'docker') consumers.push(startQueueBridge(plan, clients, log));
      const eventQueues = new Map(plan.asyncConsumers.map((c) => [c.functionName, c.queue]));
      const sendToDestination = createDestinationSender(clients, { asyncQueueOf: (functionName) => eventQueues.get(functionName), log });
      for (const consumer of plan.asyncConsumers) {
        consumers.push(
          startAsyncConsumer(consumer, {
            ...common,
            sendToDestination,
            retryDelaysSeconds: settings.asyncRetryDelaysSeconds,
            concurrency: settings.asyncConcurrency,
          }),
        );
      }
      consumers.push(startScheduler(plan.schedules, common));
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
        });
        consumers.push(poller);
        positioned.push(poller.positioned);
      }
      // A record written once the local cloud says it is ready reaches a LATEST mapping, as one written
      // after a mapping is created on AWS does. Bounded: a slow emulator must not hold the start up.
      await Promise.race([Promise.all(positioned), new Promise((resolve) => setTimeout(resolve, POSITIONING_TIMEOUT_MS).unref())]);
    },
    async stop() {
      await Promise.all([...consumers.map((c) => c.stop()), openapi?.stop()]);
      await emulators?.stop();
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

/** The tips of a table's stream, or undefined when it has none (its mappings say so when they start). */
function tableStreamTips(clients: ReturnType<typeof localClients>, table: string, region: string): Promise<StreamTips | undefined> {
  return streamTips(dynamodbStreamsSource(clients.dynamodb, clients.dynamodbStreams, table, region)).catch(() => undefined);
}

function reportRestored({ restored, dropped }: { restored: number; dropped: string[] }, where: string, fresh: boolean, log: (m: string) => void): void {
  if (fresh) log(`fresh state in ${where}`);
  else log(`state kept in ${where} (--fresh starts clean): ${restored} queued message(s) restored`);
  for (const line of dropped) log(`not restored: ${line}`);
}

export type LocalCloud = Awaited<ReturnType<typeof startLocalCloud>>;
