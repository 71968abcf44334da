import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFunctionsTogether, canBuildTogether, sharedBuildOptions, type EsbuildPlugin, type FunctionsBuild } from '../../../offline/plugin/build';
import { resolvedService } from '../support/resolved-service';

const EsbuildServerlessPlugin = require('serverless-esbuild');

const ROOT = join(__dirname, '..', '..', '..');
const quiet = Object.assign(() => undefined, { verbose() {}, debug() {}, info() {}, notice() {}, warning() {}, error() {}, success() {} });
type Config = { custom: { esbuild: Record<string, unknown> }; functions: Record<string, object>; package?: object; provider: object };

/** serverless-esbuild itself, on the real serverless.yml, writing into .esbuild/<folder>. */
async function serverlessEsbuild(config: Config, folder: string): Promise<EsbuildPlugin & { bundle(): Promise<void>; disposeContexts(): Promise<void> }> {
  const service = structuredClone(config);
  service.custom.esbuild.outputBuildFolder = folder;
  const serverless = {
    config: { serviceDir: ROOT },
    configSchemaHandler: { defineFunctionProperties: () => undefined },
    service: { ...service, getFunction: (name: string) => service.functions[name] },
  };
  const plugin = new EsbuildServerlessPlugin(serverless, {}, { log: quiet });
  await plugin.hooks.initialize();
  return plugin;
}

const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length));

describe('one esbuild build for every function (npm start)', () => {
  const folders = [`.build-apart-${process.pid}`, `.build-together-${process.pid}`];
  afterAll(() => folders.forEach((folder) => rmSync(join(ROOT, '.esbuild', folder), { recursive: true, force: true })));

  it('writes byte for byte the bundles serverless-esbuild builds one by one, where it writes them', async () => {
    const config = (await resolvedService()) as unknown as Config;
    const apart = await serverlessEsbuild(config, folders[0]);
    await apart.bundle();
    await apart.disposeContexts();

    const together = await serverlessEsbuild(config, folders[1]);
    expect(canBuildTogether(together)).toBe(true);
    const build = buildFunctionsTogether(together);
    await build.built.finally(build.dispose);

    const expected = files(apart.buildDirPath!);
    expect(expected).toHaveLength(Object.keys(config.functions).length);
    expect(files(together.buildDirPath!)).toEqual(expected);
    for (const file of expected) expect(readFileSync(together.buildDirPath + file)).toEqual(readFileSync(apart.buildDirPath + file));
    // serverless-esbuild now leaves them to us, and builds nothing for offline.
    expect(together.functionEntries).toEqual([]);
  }, 120_000);
});

describe('sharedBuildOptions', () => {
  const plugin = (buildOptions: Record<string, unknown>): EsbuildPlugin => ({
    buildOptions,
    buildDirPath: '/svc/.esbuild/.build',
    serviceDirPath: '/svc',
    functionEntries: [],
    plugins: [],
  });

  it("drops serverless-esbuild's own settings and adds the excluded packages to external", () => {
    const options = sharedBuildOptions(
      plugin({ minify: true, exclude: ['@aws-sdk/*'], external: ['pg-native'], packager: 'npm', watch: { pattern: ['lib/**'] }, concurrency: 4 }),
      ['handlers/a.ts'],
    );
    expect(options).toEqual({
      minify: true,
      external: ['pg-native', '@aws-sdk/*'],
      plugins: [],
      entryPoints: ['handlers/a.ts'],
      absWorkingDir: '/svc',
      outbase: '/svc',
      outdir: '/svc/.esbuild/.build',
    });
  });

  it("bundles everything when exclude is '*', and keeps a custom output extension", () => {
    const options = sharedBuildOptions(plugin({ exclude: '*', outputFileExtension: '.cjs' }), []);
    expect(options.external).toEqual([]);
    expect(options.outExtension).toEqual({ '.js': '.cjs' });
  });

  it('leaves metafiles (written per function) and skipBuild to serverless-esbuild', () => {
    expect(canBuildTogether(plugin({ metafile: true }))).toBe(false);
    expect(canBuildTogether(plugin({ skipBuild: true }))).toBe(false);
    expect(canBuildTogether({ ...plugin({}), functionEntries: [{ entry: '../elsewhere/a.ts', func: {} }] })).toBe(false);
  });
});

/** Dated a minute ago: a build never sees it change while reading it. */
function age(path: string) {
  const aMinuteAgo = new Date(Date.now() - 60_000);
  utimesSync(path, aMinuteAgo, aMinuteAgo);
}

function writeSource(dir: string, file: string, text: string) {
  writeFileSync(join(dir, file), text);
  age(join(dir, file));
}

describe('rebuilds', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'orderflow-build-'));
    writeSource(dir, 'shared.ts', "export const word = 'before';\n");
    writeSource(dir, 'a.ts', "import { word } from './shared';\nexport const a = () => word;\n");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('picks up a change, and calls made meanwhile share one rebuild', async () => {
    const func: { skipEsbuild?: boolean } = {};
    const build = buildFunctionsTogether({
      buildOptions: { bundle: true, platform: 'node', format: 'cjs' },
      buildDirPath: join(dir, 'out'),
      serviceDirPath: dir,
      functionEntries: [{ entry: 'a.ts', func }],
      plugins: [],
    });
    try {
      expect(func.skipEsbuild).toBe(true);
      await build.built;
      expect(readFileSync(join(dir, 'out', 'a.js'), 'utf8')).toContain('before');

      writeFileSync(join(dir, 'shared.ts'), "export const word = 'after';\n");
      const first = build.rebuild();
      expect(build.rebuild()).toBe(first);
      await first;
      expect(readFileSync(join(dir, 'out', 'a.js'), 'utf8')).toContain('after');
    } finally {
      await build.dispose();
    }
  });

  it('reports a build error, and builds again after the next change', async () => {
    const build = buildFunctionsTogether({
      buildOptions: { bundle: true, platform: 'node', logLevel: 'silent' },
      buildDirPath: join(dir, 'out'),
      serviceDirPath: dir,
      functionEntries: [{ entry: 'a.ts', func: {} }],
      plugins: [],
    });
    try {
      await build.built;
      writeFileSync(join(dir, 'shared.ts'), 'export const word = ;\n');
      await expect(build.rebuild()).rejects.toThrow(/Build failed/);
      writeFileSync(join(dir, 'shared.ts'), "export const word = 'fixed';\n");
      await build.rebuild();
      expect(readFileSync(join(dir, 'out', 'a.js'), 'utf8')).toContain('fixed');
    } finally {
      await build.dispose();
    }
  });
});

describe('the bundles of the previous build', () => {
  let dir: string;
  const plugin = (buildOptions: Record<string, unknown> = {}): EsbuildPlugin => ({
    buildOptions: { bundle: true, platform: 'node', ...buildOptions },
    buildDirPath: join(dir, '.esbuild', '.build'),
    serviceDirPath: dir,
    functionEntries: [{ entry: 'lib/a.ts', func: {} }],
    plugins: [],
  });
  const output = () => join(dir, '.esbuild', '.build', 'lib', 'a.js');
  const settle = async (build: FunctionsBuild) => build.built.finally(build.dispose);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orderflow-build-'));
    mkdirSync(join(dir, 'lib'));
    mkdirSync(join(dir, '.esbuild'));
    writeSource(dir, 'shared.ts', "export const word = 'before';\n");
    writeSource(dir, 'lib/a.ts', "import { word } from '../shared';\nexport const a = () => word;\n");
    [join(dir, 'lib'), dir].forEach(age);
    const first = buildFunctionsTogether(plugin());
    expect(first.reused).toBe(false);
    await settle(first);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('are used as they are while nothing changed', async () => {
    const written = statSync(output()).mtimeMs;
    const again = buildFunctionsTogether(plugin());
    await settle(again);
    expect(again.reused).toBe(true);
    expect(statSync(output()).mtimeMs).toBe(written);
  });

  it.each([
    ['a source changed', () => writeSource(dir, 'shared.ts', "export const word = 'after';\n")],
    ['a file appeared beside an input (imports may resolve to it)', () => writeFileSync(join(dir, 'lib', 'shared.ts'), '')],
    ['a bundle was removed', () => rmSync(output())],
    ['tsconfig.json appeared', () => writeFileSync(join(dir, 'tsconfig.json'), '{}')],
  ])('are built again when %s', async (_why, change) => {
    change();
    const again = buildFunctionsTogether(plugin());
    await settle(again);
    expect(again.reused).toBe(false);
    expect(readFileSync(output(), 'utf8')).toContain('word');
  });

  it('are built again with other options', async () => {
    const again = buildFunctionsTogether(plugin({ minify: true }));
    await settle(again);
    expect(again.reused).toBe(false);
  });
});
