// The local cloud's own process: emulators, provisioning and event sources run here, beside the
// Serverless process that runs the functions, so the two share the machine's cores instead of one
// event loop. The plugin (cloud-client.ts) talks to it over Node's IPC channel.
import { startLocalCloud, type LocalCloud } from './local-cloud';
import type { LocalCloudSettings } from './settings';
import type { ServiceConfig } from './provision/plan';

export type ToCloud =
  | { type: 'start'; config: ServiceConfig; settings: LocalCloudSettings; stage: string; serviceDir: string }
  | { type: 'start-event-sources' }
  | { type: 'stop' };

export type FromCloud =
  | { type: 'ready'; mode: LocalCloud['mode']; environment: Record<string, string> }
  | { type: 'event-sources-started' }
  | { type: 'failed'; message: string }
  | { type: 'log'; message: string };

let cloud: LocalCloud | undefined;
// After a Ctrl-C the parent may be gone first: what it can no longer read is dropped, not thrown.
const send = (message: FromCloud) => process.connected && process.send?.(message, () => undefined);

async function stop(code: number): Promise<never> {
  await cloud?.stop().catch(() => undefined);
  process.exit(code);
}

process.on('message', async (message: ToCloud) => {
  if (message.type === 'start') {
    try {
      cloud = await startLocalCloud(message.config, message.settings, message.stage, message.serviceDir, (m) => send({ type: 'log', message: m }));
      send({ type: 'ready', mode: cloud.mode, environment: cloud.plan.environment });
    } catch (error) {
      send({ type: 'failed', message: (error as Error).message });
      await stop(1);
    }
  }
  if (message.type === 'start-event-sources') {
    cloud?.startEventSources();
    send({ type: 'event-sources-started' });
  }
  if (message.type === 'stop') await stop(0);
});

// Ctrl-C reaches the whole process group: the parent decides when to stop us, after its functions.
process.on('SIGINT', () => undefined);
// The parent is gone (even killed outright): never outlive it.
process.on('disconnect', () => void stop(0));
