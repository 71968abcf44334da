import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Product } from '../../lib/catalog/product';
import { SAMPLE_CATALOG } from '../../lib/catalog/sample-catalog';
import { createActiveTable } from '../offline/support/resources';

export type TestTable = {
  endpoint: string;
  tableName: string;
  /** A client of the test's own, to arrange and inspect items without going through lib/. */
  doc: DynamoDBDocumentClient;
  close(): Promise<void>;
};

/**
 * An in-memory DynamoDB (dynalite) on 127.0.0.1 and a free port, holding the table of
 * resources/data.yml. It sets AWS_ENDPOINT_URL_DYNAMODB, so import lib/ modules only after it
 * resolved: lib/aws/dynamodb.ts builds its client from the environment when first imported.
 */
export async function startDynalite(tableName = process.env.TABLE_NAME ?? 'orderflow-test'): Promise<TestTable> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;

  const raw = new DynamoDBClient({ endpoint, region: process.env.AWS_REGION ?? 'us-east-1' });
  await createTable(raw, tableName);
  const doc = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });

  return {
    endpoint,
    tableName,
    doc,
    close: async () => {
      doc.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** The key schema of resources/data.yml: pk/sk, and the sparse KEYS_ONLY index gsi1. */
function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  return createActiveTable(client, {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'gsi1',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  });
}

/** Writes products the way the local stages seed the catalog: key {pk:'CATALOG', sk: sku} plus the fields. */
export async function seedCatalog(table: TestTable, products: Product[] = SAMPLE_CATALOG): Promise<void> {
  for (const product of products) {
    await table.doc.send(new PutCommand({ TableName: table.tableName, Item: { pk: 'CATALOG', sk: product.sku, ...product } }));
  }
}

/** Every item of the table (the tables here hold a few hundred items at most). */
export async function scanAll(table: TestTable): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(new ScanCommand({ TableName: table.tableName, ExclusiveStartKey: startKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** How many items of the table satisfy the predicate. */
export async function countItems(table: TestTable, predicate: (item: Record<string, unknown>) => boolean): Promise<number> {
  return (await scanAll(table)).filter(predicate).length;
}

export const isOrderItem = (item: Record<string, unknown>) => item.sk === 'ORDER';
