import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceConfig } from '../../../offline/cloud/provision/plan';
import { sleep } from './eventually';

const ROOT = join(__dirname, '..', '..', '..');
/** Serverless loads ./offline, which rebuilds one shared bundle: two at once could read it half-written. */
const LOCK = join(tmpdir(), 'orderflow-offline-tests-sls-print.lock');

/**
 * serverless.yml as Serverless itself resolves it for the local stage (`serverless print`): params,
 * ${file()}, ${self:}, ${env:} and the resources files merged, intrinsic functions left as they are.
 */
export async function resolvedService(): Promise<ServiceConfig> {
  const stdout = await withLock(
    () =>
      new Promise<string>((resolve, reject) => {
        execFile(
          process.execPath,
          [join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js'), 'print', '--stage', 'local', '--format', 'json'],
          {
            cwd: ROOT,
            maxBuffer: 16 * 1024 * 1024,
            env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
          },
          (error, out, err) => (error ? reject(new Error(`serverless print failed: ${error.message}\n${err}`)) : resolve(out)),
        );
      }),
  );
  return JSON.parse(stdout) as ServiceConfig;
}

async function withLock<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A print takes seconds: a lock older than 30 s was left by a killed run.
      if (Date.now() - (modifiedAt(LOCK) ?? Date.now()) > 30_000) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`Could not take ${LOCK} within a minute`);
      await sleep(50);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

const modifiedAt = (path: string): number | undefined => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};
