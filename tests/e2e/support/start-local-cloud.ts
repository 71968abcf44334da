import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2E_ENV, PID_FILE } from './ports';

// The plugin's ready line starts with the service's name.
const READY = /orderflow local cloud ready/;
const STARTUP_TIMEOUT_MS = 120_000;

/** Starts the local cloud exactly as `npm start` does (serverless offline start), and waits for its ready line. */
export default async function startLocalCloud(): Promise<void> {
  const root = join(__dirname, '..', '..', '..');
  const child = spawn(process.execPath, [join(root, 'node_modules', 'serverless', 'bin', 'serverless.js'), 'offline', 'start', '--stage', 'local'], {
    cwd: root,
    // INFO: the traces test finds the functions' INFO lines on their invocations.
    env: { ...process.env, ...E2E_ENV, LOG_LEVEL: 'INFO' },
    detached: true, // its own process group, so teardown stops serverless-offline's workers too
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  writeFileSync(PID_FILE, String(child.pid));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The local cloud was not ready after ${STARTUP_TIMEOUT_MS} ms:\n${output.slice(-4000)}`)),
      STARTUP_TIMEOUT_MS,
    );
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      if (READY.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The local cloud exited with ${code} before it was ready:\n${output.slice(-4000)}`));
    });
  });
  // Keep draining its output so the pipes never fill up and block it.
  child.stdout.resume();
  child.stderr.resume();
  child.unref();
}
