import { priceItems } from '../../../../lib/catalog/price-items';
import type { Product } from '../../../../lib/catalog/product';
import { SAMPLE_CATALOG } from '../../../../lib/catalog/sample-catalog';
import { UnknownSkuError } from '../../../../lib/errors';

const catalog = new Map<string, Product>(SAMPLE_CATALOG.map((product) => [product.sku, product]));

describe('priceItems', () => {
  it('prices each item from the catalog and totals them', () => {
    const priced = priceItems(
      [
        { sku: 'SKU-1', quantity: 2 },
        { sku: 'SKU-3', quantity: 3 },
      ],
      catalog,
    );

    expect(priced).toEqual({
      items: [
        { sku: 'SKU-1', quantity: 2, unitPriceCents: 2499 },
        { sku: 'SKU-3', quantity: 3, unitPriceCents: 599 },
      ],
      totalCents: 2 * 2499 + 3 * 599,
      currency: 'EUR',
    });
  });

  it('keeps the order of the request', () => {
    const priced = priceItems(
      [
        { sku: 'SKU-4', quantity: 1 },
        { sku: 'SKU-2', quantity: 1 },
      ],
      catalog,
    );

    expect(priced.items.map((item) => item.sku)).toEqual(['SKU-4', 'SKU-2']);
  });

  it('prices an out-of-stock product too (stock is checked after payment)', () => {
    expect(priceItems([{ sku: 'SKU-OOS', quantity: 1 }], catalog).totalCents).toBe(8900);
  });

  it('names every unknown SKU, in request order', () => {
    let thrown: unknown;
    try {
      priceItems(
        [
          { sku: 'SKU-404', quantity: 1 },
          { sku: 'SKU-1', quantity: 1 },
          { sku: 'SKU-405', quantity: 1 },
        ],
        catalog,
      );
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(UnknownSkuError);
    expect(thrown).toMatchObject({
      status: 422,
      code: 'UNKNOWN_SKU',
      skus: ['SKU-404', 'SKU-405'],
      details: [
        { sku: 'SKU-404', message: 'unknown SKU' },
        { sku: 'SKU-405', message: 'unknown SKU' },
      ],
    });
  });

  it('finds nothing in an empty catalog', () => {
    expect(() => priceItems([{ sku: 'SKU-1', quantity: 1 }], new Map())).toThrow(UnknownSkuError);
  });
});
