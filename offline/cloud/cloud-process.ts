// The local cloud's own process: emulators, provisioning and event sources run here, beside the
// Serverless process that runs the functions, so the two share the machine's cores instead of one
// event loop. The plugin (cloud-client.ts) talks to it over Node's IPC channel.
import { startLocalCloud, type LocalCloud } from './local-cloud';
import type { LocalCloudSettings } from '../plugin/settings';
import type { ServiceConfig } from './provision/plan';
import type { Invocation, InvocationContext, Invoker } from './lambda/invoke';
import type { InvocationBatch } from './trace/tracer';
import type { Fault } from './trace/faults';

export type ToCloud =
  | { type: 'start'; config: ServiceConfig; settings: LocalCloudSettings; stage: string; serviceDir: string }
  | { type: 'start-event-sources' }
  | { type: 'invoked'; id: number; invocation: Invocation }
  | { type: 'hops'; batch: InvocationBatch }
  | { type: 'clock-shared'; id: number }
  | { type: 'functions-beat' }
  | { type: 'stop' };

export type FromCloud =
  | { type: 'ready'; mode: LocalCloud['mode']; environment: Record<string, string>; openapiUrl?: string; clockOffsetMs: number; consoleUrl: string }
  | { type: 'event-sources-started' }
  | { type: 'failed'; message: string }
  | { type: 'log'; message: string }
  | { type: 'invoke'; id: number; functionName: string; event: unknown; context?: InvocationContext }
  | { type: 'faults'; faults: Fault[] }
  | { type: 'share-clock'; id: number; offsetMs: number };

let cloud: LocalCloud | undefined;
// After a Ctrl-C the parent may be gone first: what it can no longer read is dropped, not thrown.
const send = (message: FromCloud) => process.connected && process.send?.(message, () => undefined);

// The event sources invoke the functions in the parent, which runs them, over this IPC channel.
const invocations = new Map<number, (invocation: Invocation) => void>();
let lastInvocation = 0;
const UNANSWERED: Invocation = {
  ok: false,
  error: { errorType: 'LocalCloudStopping', errorMessage: 'The functions process is gone or the local cloud is stopping' },
};
const invokeInParent: Invoker = (functionName, event, context) =>
  new Promise((resolve) => {
    if (!process.connected) return resolve(UNANSWERED);
    const id = ++lastInvocation;
    invocations.set(id, resolve);
    send({ type: 'invoke', id, functionName, event, context });
  });

// The functions read the clock's offset from memory of the parent's (plugin/function-clock.ts).
const clockShares = new Map<number, () => void>();
let lastClockShare = 0;
const shareClock = (offsetMs: number) =>
  new Promise<void>((resolve) => {
    if (!process.connected) return resolve();
    const id = ++lastClockShare;
    clockShares.set(id, resolve);
    send({ type: 'share-clock', id, offsetMs });
  });

async function stop(code: number): Promise<never> {
  // No answer will come to what is still waiting: the event sources must not wait for it to stop.
  for (const resolve of invocations.values()) resolve(UNANSWERED);
  invocations.clear();
  for (const resolve of clockShares.values()) resolve();
  clockShares.clear();
  await cloud?.stop().catch(() => undefined);
  process.exit(code);
}

process.on('message', (message: ToCloud) => void handle(message));

async function handle(message: ToCloud): Promise<void> {
  if (message.type === 'start') {
    try {
      cloud = await startLocalCloud(
        message.config,
        message.settings,
        message.stage,
        message.serviceDir,
        invokeInParent,
        (m) => send({ type: 'log', message: m }),
        (faults) => send({ type: 'faults', faults }),
        { shareClock },
      );
      send({
        type: 'ready',
        mode: cloud.mode,
        environment: cloud.plan.environment,
        openapiUrl: cloud.openapiUrl,
        clockOffsetMs: cloud.clock.offsetMs(),
        consoleUrl: cloud.consoleUrl,
      });
    } catch (error) {
      send({ type: 'failed', message: (error as Error).message });
      await stop(1);
    }
  }
  if (message.type === 'start-event-sources') {
    await cloud?.startEventSources();
    send({ type: 'event-sources-started' });
  }
  if (message.type === 'invoked') {
    invocations.get(message.id)?.(message.invocation);
    invocations.delete(message.id);
  }
  if (message.type === 'hops') cloud?.tracer.invocations(message.batch);
  if (message.type === 'clock-shared') {
    clockShares.get(message.id)?.();
    clockShares.delete(message.id);
  }
  if (message.type === 'functions-beat') cloud?.functionsBeat();
  if (message.type === 'stop') await stop(0);
}

// Ctrl-C reaches the whole process group: the parent decides when to stop us, after its functions.
process.on('SIGINT', () => undefined);
// The parent is gone (even killed outright): never outlive it.
process.on('disconnect', () => void stop(0));
