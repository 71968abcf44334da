import { context, type BuildOptions, type Plugin } from 'esbuild';

/** The public state of serverless-esbuild's plugin once its `initialize` hook has run. */
export type EsbuildPlugin = {
  buildOptions?: Record<string, unknown>;
  buildDirPath?: string;
  serviceDirPath: string;
  functionEntries: { entry: string; func: { skipEsbuild?: boolean } | null }[];
  plugins: Plugin[];
};

export type FunctionsBuild = {
  /** Settles when the first build is written (rejects on a build error). */
  built: Promise<void>;
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

const strings = (value: unknown): string[] => (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');

/**
 * The esbuild options serverless-esbuild derives from `custom.esbuild` for one function, for all of
 * them at once: each entry still gets a bundle of its own, at the path serverless-esbuild would write.
 */
export function sharedBuildOptions(plugin: EsbuildPlugin, entries: string[]): BuildOptions {
  const settings = plugin.buildOptions ?? {};
  const options: Record<string, unknown> = Object.fromEntries(Object.entries(settings).filter(([key]) => !PLUGIN_SETTINGS.includes(key)));
  const exclude = strings(settings.exclude);
  const extension = settings.outputFileExtension ?? '.js';
  return {
    ...options,
    external: [...strings(settings.external), ...(exclude.includes('*') ? [] : exclude)],
    plugins: plugin.plugins,
    ...(extension === '.js' ? {} : { outExtension: { '.js': String(extension) } }),
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
 */
export function buildFunctionsTogether(plugin: EsbuildPlugin): FunctionsBuild {
  const functions = plugin.functionEntries;
  const entries = [...new Set(functions.map(({ entry }) => entry))];
  const options = sharedBuildOptions(plugin, entries);
  for (const { func } of functions) if (func) func.skipEsbuild = true;

  const starting = context(options);
  const built = starting.then(async (ctx) => void (await ctx.rebuild()));
  let current: Promise<unknown> = built;
  let next: Promise<void> | undefined;
  return {
    built,
    rebuild() {
      next ??= current
        .catch(() => undefined)
        .then(() => {
          next = undefined;
          const run = starting.then(async (ctx) => void (await ctx.rebuild()));
          current = run;
          return run;
        });
      return next;
    },
    dispose: () => starting.then((ctx) => ctx.dispose()).catch(() => undefined),
  };
}
