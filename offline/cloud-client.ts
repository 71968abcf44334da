import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FromCloud, ToCloud } from './cloud-process';
import type { LocalCloud } from './local-cloud';
import type { LocalCloudSettings } from './settings';
import type { ServiceConfig } from './provision/plan';

export type RunningCloud = {
  mode: LocalCloud['mode'];
  environment: Record<string, string>;
  startEventSources(): void;
  stop(): Promise<void>;
};

const STOP_GRACE_MS = 5000;

/** Starts the local cloud in a child process (cloud-process.ts, bundled beside this file) and waits for it. */
export async function forkLocalCloud(
  start: { config: ServiceConfig; settings: LocalCloudSettings; stage: string; serviceDir: string },
  log: (message: string) => void,
): Promise<RunningCloud> {
  const child = fork(join(__dirname, 'cloud-process.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: nodeArgs() });
  const send = (message: ToCloud) => child.connected && child.send(message);
  child.on('message', (message: FromCloud) => message.type === 'log' && log(message.message));

  const ready = await new Promise<Extract<FromCloud, { type: 'ready' }>>((resolve, reject) => {
    child.on('message', (message: FromCloud) => {
      if (message.type === 'ready') resolve(message);
      if (message.type === 'failed') reject(new Error(message.message));
    });
    child.once('exit', (code) => reject(new Error(`The local cloud process exited with code ${code}`)));
    // Only plain data crosses the process boundary.
    send({ type: 'start', ...start, config: JSON.parse(JSON.stringify(start.config)) });
  });

  return {
    mode: ready.mode,
    environment: ready.environment,
    startEventSources: () => void send({ type: 'start-event-sources' }),
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
