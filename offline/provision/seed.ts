import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SAMPLE_CATALOG } from '../../lib/catalog/sample-catalog';
import { productKey } from '../../lib/catalog/catalog-store';
import type { LocalClients } from './clients';

/** Seeds the sample catalog; products already there keep their stock (containers outlive restarts). */
export async function seedCatalog(tableName: string, clients: LocalClients): Promise<void> {
  const documents = DynamoDBDocumentClient.from(clients.dynamodb);
  await Promise.all(
    SAMPLE_CATALOG.map((product) =>
      documents
        .send(new PutCommand({ TableName: tableName, Item: { ...productKey(product.sku), ...product }, ConditionExpression: 'attribute_not_exists(pk)' }))
        .catch((error) => {
          if (error.name !== 'ConditionalCheckFailedException') throw error;
        }),
    ),
  );
}
