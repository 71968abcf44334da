import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SAMPLE_CATALOG } from '../../../lib/catalog/sample-catalog';
import { productKey } from '../../../lib/catalog/catalog-store';
import { isConditionFailure } from '../../../lib/aws/conditional';
import type { LocalClients } from './clients';

/**
 * Puts an item unless one with its key is there (containers outlive restarts: what a developer
 * changed stays). Resolves to whether it wrote.
 */
export function putOnce(tableName: string, clients: LocalClients) {
  const documents = DynamoDBDocumentClient.from(clients.dynamodb);
  return (Item: Record<string, unknown>): Promise<boolean> =>
    documents.send(new PutCommand({ TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' })).then(
      () => true,
      (error) => {
        if (!isConditionFailure(error)) throw error;
        return false;
      },
    );
}

/** Seeds the sample catalog; products already there keep their stock. */
export async function seedCatalog(tableName: string, clients: LocalClients): Promise<void> {
  const put = putOnce(tableName, clients);
  await Promise.all(SAMPLE_CATALOG.map((product) => put({ ...productKey(product.sku), ...product })));
}
