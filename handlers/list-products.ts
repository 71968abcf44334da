import { catalogStore } from '../lib/catalog/catalog-store';
import { config } from '../lib/config';
import { httpHandler } from '../lib/http/http-handler';
import { ok } from '../lib/http/http-result';

const catalog = catalogStore(config().tableName);

export const handler = httpHandler(async () => {
  const products = await catalog.list();
  return ok({ products: products.map(({ sku, name, priceCents, currency, stock }) => ({ sku, name, priceCents, currency, stock })) });
});
