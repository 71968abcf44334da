import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSeedModule } from '../../../../offline/cloud/provision/seed-module';

describe('runSeedModule', () => {
  let dir: string;
  const context = () => ({ environment: { SEEDED_BY_TEST: 'yes' }, serviceDir: dir, log: () => undefined });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'seed-module-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the seed export of a TypeScript module, with the environment in process.env as it loads', async () => {
    writeFileSync(
      join(dir, 'seed.ts'),
      `import { writeFileSync } from 'node:fs';
       const atLoad: string = process.env.SEEDED_BY_TEST ?? 'missing';
       export async function seed(context: { environment: Record<string, string>; serviceDir: string }): Promise<void> {
         writeFileSync(context.serviceDir + '/out.txt', atLoad + ' ' + context.environment.SEEDED_BY_TEST);
       }`,
    );

    await runSeedModule('seed.ts', context());

    expect(require('node:fs').readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('yes yes');
  });

  it('runs the default export of a CommonJS module', async () => {
    writeFileSync(join(dir, 'seed.js'), `module.exports = async ({ serviceDir }) => require('node:fs').writeFileSync(serviceDir + '/out.txt', 'js');`);

    await runSeedModule('seed.js', context());

    expect(require('node:fs').readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('js');
  });

  it.each([
    ['exports no function', 'none.ts', 'export const seed = 1;', /custom\.localCloud\.seed: none\.ts exports no function/],
    ['throws', 'fails.ts', 'export async function seed() { throw new Error("table missing"); }', /custom\.localCloud\.seed: fails\.ts failed: table missing/],
    ['does not build', 'broken.ts', 'export function seed( {', /custom\.localCloud\.seed: .*broken\.ts did not build/],
  ])('fails naming the setting when the module %s', async (_, file, source, message) => {
    writeFileSync(join(dir, file), source);

    await expect(runSeedModule(file, context())).rejects.toThrow(message);
  });
});
