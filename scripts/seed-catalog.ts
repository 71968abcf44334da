// `npm run seed:catalog -- --stage <stage> [--region <region>] [--allow-prod]`: the sample catalog
// (lib/catalog/sample-catalog.ts) into a deployed stage's table, so that a fresh stage can take orders.
// The SDK's standard settings reach it (credentials chain, AWS_PROFILE, AWS_ENDPOINT_URL for an emulator
// such as the deploy rehearsal's LocalStack). Idempotent: a product already there is left as it is, stock
// and all, so running it again never undoes what orders did.
import { DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../lib/aws/conditional';
import { productKey } from '../lib/catalog/catalog-store';
import { SAMPLE_CATALOG } from '../lib/catalog/sample-catalog';

/** Stages the sample catalog never reaches unless `--allow-prod` says so. */
export const PROTECTED_STAGES = ['prod'];
/** serverless.yml's provider.region when no `--region` is given: where `sls deploy` put the stage. */
export const DEFAULT_REGION = 'us-east-1';

export type SeedCatalogOptions = { stage: string; region: string; allowProd: boolean };
export type SeedCatalogResult = { tableName: string; written: string[]; alreadyThere: string[] };

/** serverless.yml's custom.names.table: `${self:service}-${sls:stage}` (tests/deploy checks it). */
export const stageTableName = (stage: string): string => `orderflow-${stage}`;

const USAGE = 'usage: npm run seed:catalog -- --stage <stage> [--region <region>] [--allow-prod]';

/** The command line, or an error saying what is wrong with it and how it is used. */
export function parseSeedCatalogArgs(argv: string[]): SeedCatalogOptions {
  const options: Partial<SeedCatalogOptions> = { allowProd: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new Error(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    if (arg === '--stage') options.stage = value();
    else if (arg === '--region') options.region = value();
    else if (arg === '--allow-prod') options.allowProd = true;
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  if (!options.stage) throw new Error(`--stage is required\n${USAGE}`);
  return { stage: options.stage, region: options.region ?? DEFAULT_REGION, allowProd: options.allowProd ?? false };
}

/** Puts each sample product unless its key is there; refuses a protected stage unless allowed. */
export async function seedStageCatalog(options: SeedCatalogOptions, client: DynamoDBDocumentClient): Promise<SeedCatalogResult> {
  if (PROTECTED_STAGES.includes(options.stage) && !options.allowProd) {
    throw new Error(`refusing to put the sample catalog into stage ${options.stage}: pass --allow-prod to do it anyway`);
  }
  const tableName = stageTableName(options.stage);
  const result: SeedCatalogResult = { tableName, written: [], alreadyThere: [] };
  for (const product of SAMPLE_CATALOG) {
    try {
      await client.send(
        new PutCommand({ TableName: tableName, Item: { ...productKey(product.sku), ...product }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      result.written.push(product.sku);
    } catch (error) {
      if (error instanceof ResourceNotFoundException || (error as { name?: string }).name === 'ResourceNotFoundException') {
        throw new Error(`table ${tableName} not found in ${options.region}: is stage ${options.stage} deployed there?`, { cause: error });
      }
      if (!isConditionFailure(error)) throw error;
      result.alreadyThere.push(product.sku);
    }
  }
  return result;
}

async function main(): Promise<void> {
  const options = parseSeedCatalogArgs(process.argv.slice(2));
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: options.region }));
  try {
    const { tableName, written, alreadyThere } = await seedStageCatalog(options, client);
    console.log(
      `${tableName}: ${written.length} product(s) written${alreadyThere.length ? `, ${alreadyThere.length} already there (${alreadyThere.join(', ')})` : ''}`,
    );
  } finally {
    client.destroy();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`seed:catalog: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
