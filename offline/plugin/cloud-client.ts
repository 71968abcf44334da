import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FromCloud, ToCloud } from '../cloud/cloud-process';
import type { LocalCloud } from '../cloud/local-cloud';
import type { LocalCloudSettings } from './settings';
import type { ServiceConfig } from '../cloud/provision/plan';
import type { Invoker } from '../cloud/lambda/invoke';
import type { InvocationBatch } from '../cloud/trace/tracer';
import type { Fault } from '../cloud/trace/faults';

export type CloudStart = { config: ServiceConfig; settings: LocalCloudSettings; stage: string; serviceDir: string };

export type RunningCloud = {
  mode: LocalCloud['mode'];
  environment: Record<string, string>;
  /** Where the service's OpenAPI document is served (custom.localCloud.openapi), if it is. */
  openapiUrl?: string;
  /** The local cloud's clock offset (ms) at start: what the functions read until it advances. */
  clockOffsetMs: number;
  /** The console's page (cloud/console/console-server.ts). */
  consoleUrl: string;
  /** Settles once the pollers, the scheduler and the async consumers run. */
  startEventSources(): Promise<void>;
};

export type CloudProcess = {
  /** Brings the local cloud up (emulators, resources, seed data) and settles when it is ready. */
  start(start: CloudStart): Promise<RunningCloud>;
  /** Runs, with `invoke`, the invocations the local cloud's event sources ask this process for. */
  answerInvocations(invoke: Invoker): void;
  /** Sends the invocations this process ran (and the faults they used) to the trace store. */
  sendHops(batch: InvocationBatch): void;
  /** Calls `apply` with the function faults in force, each time the console changes them. */
  onFaults(apply: (faults: Fault[]) => void): void;
  /** Moves, with `set`, the clock offset the functions read whenever the local cloud's clock advances. */
  answerClock(set: (offsetMs: number) => void): void;
  /** Debug mode: this process is running (the local cloud holds its queues' timers while the beats stop). */
  beat(): void;
  stop(): Promise<void>;
};

const STOP_GRACE_MS = 5000;

/**
 * Forks the local cloud's process (cloud-process.ts, bundled beside this file) at once: it loads its
 * code while Serverless is still loading plugins and resolving the configuration, then waits for start().
 */
export function forkLocalCloud(log: (message: string) => void): CloudProcess {
  const child = fork(join(__dirname, 'cloud-process.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: nodeArgs() });
  // Until started, it must not keep a command that never starts it (an error, a stop) from exiting.
  const hold = (held: boolean) => {
    for (const handle of [child, child.channel]) {
      if (held) handle?.ref();
      else handle?.unref();
    }
  };
  hold(false);
  const send = (message: ToCloud) => child.connected && child.send(message);
  child.on('message', (message: FromCloud) => message.type === 'log' && log(message.message));

  /** The child's answer to a request, or its death. */
  const answer = <T extends FromCloud['type']>(type: T, request: ToCloud) =>
    new Promise<Extract<FromCloud, { type: T }>>((resolve, reject) => {
      const onMessage = (message: FromCloud) => {
        if (message.type === type) resolve(message as Extract<FromCloud, { type: T }>);
        if (message.type === 'failed') reject(new Error(message.message));
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`The local cloud process exited with code ${code}`)));
      send(request);
    });

  return {
    async start(start) {
      hold(true);
      // Only plain data crosses the process boundary.
      const ready = await answer('ready', { type: 'start', ...start, config: JSON.parse(JSON.stringify(start.config)) });
      return {
        mode: ready.mode,
        environment: ready.environment,
        openapiUrl: ready.openapiUrl,
        clockOffsetMs: ready.clockOffsetMs,
        consoleUrl: ready.consoleUrl,
        startEventSources: async () => void (await answer('event-sources-started', { type: 'start-event-sources' })),
      };
    },
    answerInvocations(invoke) {
      child.on('message', (message: FromCloud) => {
        if (message.type !== 'invoke') return;
        void invoke(message.functionName, message.event, message.context)
          .catch((error: Error) => ({ ok: false as const, error: { errorType: error.name, errorMessage: error.message } }))
          .then((invocation) => send({ type: 'invoked', id: message.id, invocation }));
      });
    },
    sendHops: (batch) => send({ type: 'hops', batch }),
    onFaults(apply) {
      child.on('message', (message: FromCloud) => message.type === 'faults' && apply(message.faults));
    },
    answerClock(set) {
      child.on('message', (message: FromCloud) => {
        if (message.type !== 'share-clock') return;
        set(message.offsetMs);
        send({ type: 'clock-shared', id: message.id });
      });
    },
    beat: () => void send({ type: 'functions-beat' }),
    stop: () => stopChild(child, send),
  };
}

function stopChild(child: ChildProcess, send: (message: ToCloud) => unknown): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    send({ type: 'stop' });
  });
}

/** Node flags for the local cloud's process, e.g. ORDERFLOW_CLOUD_NODE_ARGS='--cpu-prof' to profile it. */
const nodeArgs = () => process.env.ORDERFLOW_CLOUD_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
