import { dirname, join } from 'node:path';
import { context, type BuildContext, type BuildOptions, type Plugin } from 'esbuild';
import { forgetRecord, isCurrent, recordable, recordBuild, writeRecord } from './build-record';

/** The public state of serverless-esbuild's plugin once its `initialize` hook has run. */
export type EsbuildPlugin = {
  buildOptions?: Record<string, unknown>;
  buildDirPath?: string;
  serviceDirPath: string;
  functionEntries: { entry: string; func: { skipEsbuild?: boolean } | null }[];
  plugins: Plugin[];
};

export type FunctionsBuild = {
  /** Settles when the bundles are in place (rejects on a build error). */
  built: Promise<void>;
  /** The bundles of the previous build were still current: nothing was built. */
  reused: boolean;
  /** Rebuilds after a change; changes seen during a rebuild share one more rebuild after it. */
  rebuild(): Promise<void>;
  dispose(): Promise<void>;
};

// serverless-esbuild's own settings, which it removes before calling esbuild (its bundle.ts).
const PLUGIN_SETTINGS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
];

/**
 * Debug mode: each bundle carries its source map (with the sources), so a debugger sets breakpoints in
 * the TypeScript; unminified, with names kept, so that what it shows reads like the sources.
 */
const DEBUG_BUILD: BuildOptions = { sourcemap: 'inline', sourcesContent: true, minify: false, keepNames: true };

const strings = (value: unknown): string[] => (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');

/**
 * The esbuild options serverless-esbuild derives from `custom.esbuild` for one function, for all of
 * them at once: each entry still gets a bundle of its own, at the path serverless-esbuild would write.
 */
export function sharedBuildOptions(plugin: EsbuildPlugin, entries: string[]): BuildOptions {
  const settings = plugin.buildOptions ?? {};
  const options: Record<string, unknown> = Object.fromEntries(Object.entries(settings).filter(([key]) => !PLUGIN_SETTINGS.includes(key)));
  const exclude = strings(settings.exclude);
  const extension = typeof settings.outputFileExtension === 'string' ? settings.outputFileExtension : '.js';
  return {
    ...options,
    external: [...strings(settings.external), ...(exclude.includes('*') ? [] : exclude)],
    plugins: plugin.plugins,
    ...(extension === '.js' ? {} : { outExtension: { '.js': extension } }),
    entryPoints: entries,
    absWorkingDir: plugin.serviceDirPath,
    outbase: plugin.serviceDirPath,
    outdir: plugin.buildDirPath,
  };
}

/**
 * Whether one shared build can stand in for serverless-esbuild's builds: not when it writes
 * per-function metafiles, skips building, or an entry lies outside the service.
 */
export function canBuildTogether(plugin: EsbuildPlugin): boolean {
  const settings = plugin.buildOptions ?? {};
  return Boolean(plugin.buildDirPath) && !settings.metafile && !settings.skipBuild && plugin.functionEntries.every(({ entry }) => !entry.startsWith('..'));
}

/**
 * Builds every function in one esbuild context (the code they share is parsed once) and takes the
 * functions off serverless-esbuild's hands, which then only sets serverless-offline up and watches.
 * When nothing changed since the last build, its bundles are used as they are.
 */
export function buildFunctionsTogether(plugin: EsbuildPlugin, { debug = false } = {}): FunctionsBuild {
  const functions = plugin.functionEntries;
  const entries = [...new Set(functions.map(({ entry }) => entry))];
  const options = { ...sharedBuildOptions(plugin, entries), ...(debug ? DEBUG_BUILD : {}) };
  for (const { func } of functions) if (func) func.skipEsbuild = true;

  const record = join(dirname(plugin.buildDirPath!), 'offline-build.json');
  const reused = recordable(options) && isCurrent(record, options);
  let starting: Promise<BuildContext> | undefined;
  const build = async () => {
    forgetRecord(record);
    const startedAt = Date.now();
    starting ??= context({ ...options, metafile: true });
    const { metafile } = await (await starting).rebuild();
    if (recordable(options)) writeRecord(record, recordBuild(options, metafile!, startedAt));
  };

  const built = reused ? Promise.resolve() : build();
  let current: Promise<unknown> = built;
  let next: Promise<void> | undefined;
  return {
    built,
    reused,
    rebuild() {
      next ??= current
        .catch(() => undefined)
        .then(() => {
          next = undefined;
          const run = build();
          current = run;
          return run;
        });
      return next;
    },
    dispose: async () => void (await starting?.then((ctx) => ctx.dispose()).catch(() => undefined)),
  };
}
