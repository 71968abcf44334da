#!/usr/bin/env node
// @ts-check
/**
 * Bundle size and cold init of every function, as `sls package --stage prod` builds them.
 *
 *   node bench/bundles.js                package prod in a private copy of the service, then measure
 *   node bench/bundles.js --dir <dir>    measure an existing `sls package --package <dir>` output
 *   node bench/bundles.js --runs 11      fresh Node processes per function (the median is printed)
 *   node bench/bundles.js --why          also list what takes the room in each bundle (esbuild metafile)
 *
 * Size is the unzipped JavaScript in the function's zip. Init is the time `require()` of the bundle
 * takes in a fresh Node process, i.e. loading it and running its module scope (config, clients,
 * Middy chain), with the environment the function gets in the template. Modules the bundle leaves
 * out (custom.esbuild.exclude) are resolved from a stand-in for the Lambda runtime's node_modules
 * that holds @aws-sdk/* and nothing else, as /var/runtime/node_modules does.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { packageStage, ROOT } = require('../tests/deploy/package-stage');
const { zipEntries } = require('../tests/deploy/zip-entries');
const { functionEnvironment, runtimeNodeModules } = require('../tests/deploy/lambda-runtime');

const TARGET_BYTES = 250 * 1024;
const TARGET_INIT_MS = 50;

// Prints wall-clock and CPU milliseconds of loading the bundle. On an idle machine the two agree
// (loading is CPU-bound); on a busy one CPU time is the figure that stays comparable between runs.
const INIT_PROBE = `
const { performance } = require('node:perf_hooks');
const cpu = process.cpuUsage();
const start = performance.now();
require(process.argv[1]);
const wall = performance.now() - start;
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ wall, cpu: (used.user + used.system) / 1000 }));
`;

/** @param {string[]} argv */
function parseArgs(argv) {
  const options = { dir: '', runs: 7, why: false };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--dir') options.dir = path.resolve(argv[++i]);
    else if (argv[i] === '--runs') options.runs = Math.max(1, Number(argv[++i]));
    else if (argv[i] === '--why') options.why = true;
    else throw new Error(`Unknown argument ${argv[i]}; see the comment at the top of bench/bundles.js`);
  }
  return options;
}

/** @param {number[]} values */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const kb = (/** @type {number} */ bytes) => (bytes / 1024).toFixed(1);

/**
 * @param {string} bundle  the handler file extracted from the zip
 * @param {Record<string, string>} env
 * @param {number} runs
 */
function measureInit(bundle, env, runs) {
  /** @type {{ wall: number[]; cpu: number[] }} */
  const times = { wall: [], cpu: [] };
  for (let i = 0; i < runs; i += 1) {
    const run = spawnSync(process.execPath, ['-e', INIT_PROBE, bundle], { env, encoding: 'utf8', timeout: 30_000 });
    if (run.status !== 0) throw new Error(`Loading ${bundle} failed:\n${run.stderr}`);
    const { wall, cpu } = JSON.parse(run.stdout);
    times.wall.push(wall);
    times.cpu.push(cpu);
  }
  return times;
}

/**
 * What takes the room in one function's bundle: esbuild's metafile, grouped by package. It rebuilds
 * the handler from this checkout with the packaged custom.esbuild settings.
 * @param {string} handlerSource  e.g. handlers/create-order.ts
 * @param {any} esbuildConfig  custom.esbuild as Serverless resolved it
 */
function largestInputs(handlerSource, esbuildConfig) {
  const esbuild = require('esbuild');
  const result = esbuild.buildSync({
    absWorkingDir: ROOT,
    entryPoints: [handlerSource],
    bundle: true,
    write: false,
    metafile: true,
    outfile: 'out.js',
    logLevel: 'silent',
    minify: esbuildConfig.minify,
    target: esbuildConfig.target,
    platform: esbuildConfig.platform,
    format: esbuildConfig.format,
    mainFields: esbuildConfig.mainFields,
    conditions: esbuildConfig.conditions,
    supported: esbuildConfig.supported,
    external: [...(esbuildConfig.exclude ?? []), ...(esbuildConfig.external ?? [])],
  });
  /** @type {Map<string, number>} */
  const byPackage = new Map();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const owner = match ? match[1] : '(orderflow code)';
      byPackage.set(owner, (byPackage.get(owner) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage.entries()].sort((a, b) => b[1] - a[1]);
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const packaged = options.dir ? undefined : packageStage('prod');
  const packageDir = options.dir || /** @type {NonNullable<typeof packaged>} */ (packaged).packageDir;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'orderflow-bench-'));
  try {
    const template = JSON.parse(fs.readFileSync(path.join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'));
    const state = JSON.parse(fs.readFileSync(path.join(packageDir, 'serverless-state.json'), 'utf8'));
    const esbuildConfig = state.service.custom?.esbuild ?? {};
    const nodePath = runtimeNodeModules(scratch);

    console.log(
      `esbuild: target ${esbuildConfig.target}, minify ${esbuildConfig.minify}, mainFields ${JSON.stringify(esbuildConfig.mainFields ?? null)}, exclude ${JSON.stringify(esbuildConfig.exclude ?? [])}`,
    );
    console.log(
      `init: median of ${options.runs} fresh Node ${process.version} processes (wall-clock and CPU ms, min-max of CPU); the template says ${Object.values(template.Resources).find((r) => /** @type {any} */ (r).Type === 'AWS::Lambda::Function')?.Properties.Runtime}`,
    );
    console.log('');
    console.log(`${'function'.padEnd(20)}${'bundle KB'.padStart(10)}${'wall ms'.padStart(10)}${'cpu ms'.padStart(10)}${'cpu min-max'.padStart(15)}`);

    let over = 0;
    const functions = Object.values(template.Resources).filter((r) => /** @type {any} */ (r).Type === 'AWS::Lambda::Function');
    for (const fn of /** @type {any[]} */ (functions)) {
      const name = String(fn.Properties.FunctionName);
      const shortName = name.replace(/^orderflow-[^-]+-/, '');
      const zipFile = path.join(packageDir, path.basename(fn.Properties.Code.S3Key));
      const target = path.join(scratch, shortName);
      let bytes = 0;
      for (const entry of zipEntries(zipFile)) {
        const file = path.join(target, entry.name);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, entry.read());
        if (entry.name.endsWith('.js')) bytes += entry.size;
      }
      const handlerModule = String(fn.Properties.Handler).replace(/\.[^.]+$/, '');
      const env = {
        PATH: process.env.PATH ?? '',
        NODE_PATH: nodePath,
        // The SDK warns about Node 20 on every load here; Lambda runs nodejs22.x and prints nothing.
        NODE_NO_WARNINGS: '1',
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
        AWS_LAMBDA_FUNCTION_NAME: name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.Properties.MemorySize ?? 128),
        ...functionEnvironment(fn),
      };
      const times = measureInit(path.join(target, `${handlerModule}.js`), env, options.runs);
      const wall = median(times.wall);
      const cpu = median(times.cpu);
      const misses = [bytes > TARGET_BYTES ? 'size' : '', cpu > TARGET_INIT_MS ? 'init' : ''].filter(Boolean);
      if (misses.length) over += 1;
      const range = `${Math.min(...times.cpu).toFixed(0)}-${Math.max(...times.cpu).toFixed(0)}`;
      console.log(
        `${shortName.padEnd(20)}${kb(bytes).padStart(10)}${wall.toFixed(1).padStart(10)}${cpu.toFixed(1).padStart(10)}${range.padStart(15)}${misses.length ? `   over target: ${misses.join(', ')}` : ''}`,
      );
      if (options.why) {
        const source = fs.existsSync(path.join(ROOT, `${handlerModule}.ts`)) ? `${handlerModule}.ts` : `${handlerModule}.js`;
        for (const [owner, size] of largestInputs(source, esbuildConfig).slice(0, 6)) {
          console.log(`${''.padEnd(4)}${owner.padEnd(40)}${kb(size).padStart(8)} KB`);
        }
      }
    }
    console.log('');
    console.log(`targets: <= ${kb(TARGET_BYTES)} KB per bundle, <= ${TARGET_INIT_MS} ms init (CPU); ${over} of ${functions.length} functions miss one`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
    packaged?.cleanup();
  }
}

main();
