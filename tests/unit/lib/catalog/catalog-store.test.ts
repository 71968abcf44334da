import type { CatalogStore } from '../../../../lib/catalog/catalog-store';
import { SAMPLE_CATALOG } from '../../../../lib/catalog/sample-catalog';
import { seedCatalog, startDynalite, type TestTable } from '../../../support/dynalite';

let table: TestTable;
let catalog: CatalogStore;

beforeAll(async () => {
  table = await startDynalite();
  await seedCatalog(table);
  catalog = (await import('../../../../lib/catalog/catalog-store')).catalogStore(table.tableName);
});
afterAll(() => table.close());

describe('sample catalog', () => {
  it('has plenty of stock on most products and one product with none', () => {
    expect(SAMPLE_CATALOG.filter((product) => product.stock === 0).map((product) => product.sku)).toEqual(['SKU-OOS']);
    expect(SAMPLE_CATALOG.filter((product) => product.stock >= 1000).length).toBeGreaterThanOrEqual(SAMPLE_CATALOG.length - 1);
  });
});

describe('catalogStore', () => {
  it('lists every product with its fields only', async () => {
    const products = await catalog.list();

    expect(products).toEqual(expect.arrayContaining(SAMPLE_CATALOG));
    expect(products).toHaveLength(SAMPLE_CATALOG.length);
  });

  it('gets the named products that exist, once each', async () => {
    const found = await catalog.get(['SKU-2', 'SKU-404', 'SKU-2', 'SKU-OOS']);

    expect([...found.keys()].sort()).toEqual(['SKU-2', 'SKU-OOS']);
    expect(found.get('SKU-2')).toEqual(SAMPLE_CATALOG.find((product) => product.sku === 'SKU-2'));
  });

  it('gets 100 SKUs in one call', async () => {
    const skus = Array.from({ length: 100 }, (_, i) => `SKU-${i + 1}`);

    const found = await catalog.get(skus);

    expect([...found.keys()].sort()).toEqual(['SKU-1', 'SKU-2', 'SKU-3', 'SKU-4']);
  });
});
