import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, extname, resolve as resolvePath } from 'node:path';

/** What a service's seed module (`custom.localCloud.seed`) is called with. */
export type LocalCloudSeedContext = {
  /**
   * The functions' local environment: provider.environment resolved to the local names, the SDK's
   * endpoints and credentials, and `custom.localCloud.environment`. process.env holds it too while
   * the module loads and runs, so the SDK clients it creates reach the local cloud.
   */
  environment: Record<string, string>;
  serviceDir: string;
  log(message: string): void;
};

type SeedFunction = (context: LocalCloudSeedContext) => Promise<void> | void;

const TYPESCRIPT = ['.ts', '.mts', '.cts'];

/**
 * Runs the service's seed module once, after provisioning: its `seed` export, or its default one.
 * A TypeScript module is bundled in memory by esbuild (its packages stay external and resolve from
 * beside it, as the handlers' do); a JavaScript one (CommonJS) is loaded as it is.
 */
export async function runSeedModule(file: string, context: LocalCloudSeedContext): Promise<void> {
  const path = resolvePath(context.serviceDir, file);
  const code = TYPESCRIPT.includes(extname(path)) ? await bundleTypeScript(path) : readFileSync(path, 'utf8');
  const exports = compileModule(path, code, context.environment) as { seed?: unknown; default?: unknown } | undefined;
  const seed = (exports?.seed ?? exports?.default ?? exports) as SeedFunction | undefined;
  if (typeof seed !== 'function') throw new Error(`custom.localCloud.seed: ${file} exports no function (export one named seed, or a default one)`);
  await Promise.resolve(seed(context)).catch((error: Error) => {
    throw new Error(`custom.localCloud.seed: ${file} failed: ${error.message}`);
  });
}

async function bundleTypeScript(path: string): Promise<string> {
  const { build } = await import('esbuild');
  const { outputFiles } = await build({
    entryPoints: [path],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'silent',
  }).catch((error: Error) => {
    throw new Error(`custom.localCloud.seed: ${path} did not build: ${error.message}`);
  });
  return outputFiles[0].text;
}

/**
 * Compiled as if it were the file itself, so its requires resolve from its own folder. The environment
 * is set first thing by the module itself: in the process it runs in, whichever realm loads it.
 */
function compileModule(path: string, code: string, environment: Record<string, string>): unknown {
  const seedModule = new Module(path, module);
  seedModule.filename = path;
  seedModule.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(path));
  const prelude = `Object.assign(process.env, ${JSON.stringify(environment)});`;
  (seedModule as unknown as { _compile(code: string, filename: string): void })._compile(`${prelude}${code}`, path);
  return seedModule.exports;
}
