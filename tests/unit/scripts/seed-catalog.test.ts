import { execFile } from 'node:child_process';
import path from 'node:path';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { productKey } from '../../../lib/catalog/catalog-store';
import { SAMPLE_CATALOG } from '../../../lib/catalog/sample-catalog';
import { parseSeedCatalogArgs, stageTableName } from '../../../scripts/seed-catalog';
import { scanAll, startDynalite, type TestTable } from '../../support/dynalite';

const ROOT = path.join(__dirname, '..', '..', '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const SKUS = SAMPLE_CATALOG.map((product) => product.sku).sort();

type Run = { code: number; stdout: string; stderr: string };

/**
 * `npm run seed:catalog -- <args>` as a developer runs it: its own process, the SDK's standard
 * settings only (AWS_ENDPOINT_URL, AWS_REGION unset: the script's region is serverless.yml's).
 */
function seedCatalog(endpoint: string, args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  for (const name of ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete env[name];
  return new Promise((resolve) => {
    execFile(process.execPath, [TSX, 'scripts/seed-catalog.ts', ...args], { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const catalogSkus = async (table: TestTable) =>
  (await scanAll(table))
    .filter((item) => item.pk === 'CATALOG')
    .map((item) => String(item.sku))
    .sort();

describe('npm run seed:catalog', () => {
  let dev: TestTable;
  let prod: TestTable;

  beforeAll(async () => {
    [dev, prod] = await Promise.all([startDynalite(stageTableName('dev')), startDynalite(stageTableName('prod'))]);
  });
  afterAll(async () => {
    await Promise.all([dev?.close(), prod?.close()]);
  });

  test("puts the sample catalog into the stage's table, as the functions read it; a second run changes nothing", async () => {
    const first = await seedCatalog(dev.endpoint, ['--stage', 'dev']);
    expect(first).toMatchObject({ code: 0, stdout: `orderflow-dev: ${SKUS.length} product(s) written\n` });
    expect(await catalogSkus(dev)).toEqual(SKUS);
    const { Item } = await dev.doc.send(new GetCommand({ TableName: dev.tableName, Key: productKey('SKU-1') }));
    expect(Item).toEqual({ ...productKey('SKU-1'), ...SAMPLE_CATALOG.find((product) => product.sku === 'SKU-1') });

    // Orders took stock since: running it again must not give it back.
    await dev.doc.send(
      new UpdateCommand({ TableName: dev.tableName, Key: productKey('SKU-1'), UpdateExpression: 'SET stock = :s', ExpressionAttributeValues: { ':s': 7 } }),
    );
    const before = await scanAll(dev);
    const second = await seedCatalog(dev.endpoint, ['--stage', 'dev']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`orderflow-dev: 0 product(s) written, ${SKUS.length} already there`);
    expect(await scanAll(dev)).toEqual(before);
  }, 60_000);

  test('refuses prod unless --allow-prod, then seeds it', async () => {
    const refused = await seedCatalog(prod.endpoint, ['--stage', 'prod']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refusing to put the sample catalog into stage prod: pass --allow-prod');
    expect(await catalogSkus(prod)).toEqual([]);

    const allowed = await seedCatalog(prod.endpoint, ['--stage', 'prod', '--allow-prod']);
    expect(allowed).toMatchObject({ code: 0, stdout: `orderflow-prod: ${SKUS.length} product(s) written\n` });
    expect(await catalogSkus(prod)).toEqual(SKUS);
  }, 60_000);

  test('a stage whose table is not there is named, with the region', async () => {
    const run = await seedCatalog(dev.endpoint, ['--stage', 'staging', '--region', 'eu-west-1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('table orderflow-staging not found in eu-west-1: is stage staging deployed there?');
  }, 60_000);
});

describe('parseSeedCatalogArgs', () => {
  test.each([
    [['--stage', 'dev'], { stage: 'dev', region: 'us-east-1', allowProd: false }],
    [['--stage', 'prod', '--allow-prod', '--region', 'eu-west-1'], { stage: 'prod', region: 'eu-west-1', allowProd: true }],
  ])('%j', (argv, expected) => {
    expect(parseSeedCatalogArgs(argv)).toEqual(expected);
  });

  test.each([
    [[], '--stage is required'],
    [['--stage'], '--stage needs a value'],
    [['--stage', '--allow-prod'], '--stage needs a value'],
    [['--stage', 'dev', '--force'], 'unknown argument --force'],
  ])('%j is refused', (argv, message) => {
    expect(() => parseSeedCatalogArgs(argv)).toThrow(message);
  });
});
