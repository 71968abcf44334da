import { BatchGetCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import type { Product } from './product';

const CATALOG = 'CATALOG';

export const productKey = (sku: string) => ({ pk: CATALOG, sk: sku });

function toProduct(item: Record<string, unknown>): Product {
  return {
    sku: item.sku as string,
    name: item.name as string,
    priceCents: item.priceCents as number,
    currency: item.currency as string,
    stock: item.stock as number,
  };
}

export function catalogStore(tableName: string) {
  return {
    async list(): Promise<Product[]> {
      const products: Product[] = [];
      const pages = paginateQuery(
        { client: dynamo },
        { TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': CATALOG } },
      );
      for await (const page of pages) products.push(...(page.Items ?? []).map(toProduct));
      return products;
    },

    /** The named products that exist, by SKU (at most 100 distinct SKUs: one BatchGetItem). */
    async get(skus: string[]): Promise<Map<string, Product>> {
      const found = new Map<string, Product>();
      let keys = [...new Set(skus)].map(productKey);
      while (keys.length > 0) {
        const result = await dynamo.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }));
        for (const item of result.Responses?.[tableName] ?? []) found.set(item.sku as string, toProduct(item));
        keys = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as typeof keys;
      }
      return found;
    },
  };
}

export type CatalogStore = ReturnType<typeof catalogStore>;
