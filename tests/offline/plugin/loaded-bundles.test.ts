import Module from 'node:module';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetLoadedBundles } from '../../../offline/plugin/loaded-bundles';

// Node's own loader and module cache, as serverless-offline's in-process runner uses them (jest's
// require() keeps a registry of its own).
const nodeModules = Module as unknown as { _load(request: string, parent: NodeModule): { version: number }; _cache: NodeJS.Dict<NodeModule> };

describe('forgetLoadedBundles', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'orderflow-bundles-'));
    mkdirSync(join(root, 'build', 'handlers'), { recursive: true });
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('makes the next load of a rebuilt bundle run its new code', () => {
    const bundle = join(root, 'build', 'handlers', 'health.js');
    writeFileSync(bundle, 'exports.version = 1;');
    expect(nodeModules._load(bundle, module).version).toBe(1);
    writeFileSync(bundle, 'exports.version = 2;');
    expect(nodeModules._load(bundle, module).version).toBe(1); // what the runner would keep serving

    expect(forgetLoadedBundles(join(root, 'build'), nodeModules._cache)).toBe(1);

    expect(nodeModules._load(bundle, module).version).toBe(2);
    delete nodeModules._cache[bundle];
  });

  it('forgets only what lies under the build directory', () => {
    const cache: NodeJS.Dict<NodeModule> = {
      [join(root, 'build', 'handlers', 'a.js')]: {} as NodeModule,
      [join(root, 'build-old', 'a.js')]: {} as NodeModule,
      [join(root, 'node_modules', 'x', 'index.js')]: {} as NodeModule,
    };

    expect(forgetLoadedBundles(join(root, 'build'), cache)).toBe(1);

    expect(Object.keys(cache).sort()).toEqual([join(root, 'build-old', 'a.js'), join(root, 'node_modules', 'x', 'index.js')]);
  });
});
