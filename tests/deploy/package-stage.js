// @ts-check
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const SERVERLESS_BIN = path.join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js');

/** Top-level entries the copy leaves out: dependencies are linked, build output is private. */
const NOT_COPIED = new Set(['node_modules', '.git', '.serverless', '.esbuild', '.build', '.offline-state', 'coverage']);

/**
 * @typedef {{ Type: string; Properties?: any; Condition?: string; DependsOn?: string | string[] }} CfnResource
 * @typedef {{ Resources: Record<string, CfnResource>; Conditions?: Record<string, unknown>; Outputs?: Record<string, unknown> }} CfnTemplate
 * @typedef {{
 *   stage: string;
 *   workDir: string;
 *   packageDir: string;
 *   template: CfnTemplate;
 *   state: any;
 *   output: string;
 *   cleanup: () => void;
 * }} PackagedStage
 */

/**
 * Runs `serverless package --stage <stage>` on a private copy of the service and returns the
 * CloudFormation template, the resolved service state and the directory holding one zip per
 * function.
 *
 * Why a copy: `sls package` empties the service's own `.serverless/` even when `--package` points
 * elsewhere (it builds there, then moves), and serverless-esbuild builds in and then deletes the
 * service's `.esbuild/`. Two packagings in one checkout would trample each other's output.
 *
 * @param {string} stage
 * @param {{ env?: Record<string, string>; timeoutMs?: number }} [options]
 * @returns {PackagedStage}
 */
function packageStage(stage, options = {}) {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `orderflow-${stage}-`));
  const serviceDir = path.join(workDir, 'service');
  const packageDir = path.join(workDir, 'package');
  const cleanup = () => fs.rmSync(workDir, { recursive: true, force: true });

  fs.cpSync(ROOT, serviceDir, { recursive: true, filter: (source) => !NOT_COPIED.has(path.relative(ROOT, source)) });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(serviceDir, 'node_modules'), 'dir');
  // serverless-esbuild leaves one scratch directory per function in the temp dir on every packaging.
  const tmpDir = path.join(workDir, 'tmp');
  fs.mkdirSync(tmpDir);

  const run = spawnSync(process.execPath, [SERVERLESS_BIN, 'package', '--stage', stage, '--package', packageDir], {
    cwd: serviceDir,
    env: { ...process.env, TMPDIR: tmpDir, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 180_000,
  });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
  if (run.status !== 0) {
    cleanup();
    throw new Error(`serverless package --stage ${stage} failed (${run.error?.message ?? `exit ${run.status}`}):\n${output}`);
  }

  const readJson = (/** @type {string} */ file) => JSON.parse(fs.readFileSync(path.join(packageDir, file), 'utf8'));
  return {
    stage,
    workDir,
    packageDir,
    template: readJson('cloudformation-template-update-stack.json'),
    state: readJson('serverless-state.json'),
    output,
    cleanup,
  };
}

module.exports = { packageStage, ROOT };
