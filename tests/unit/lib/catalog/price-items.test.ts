import { priceItems } from '../../../../lib/catalog/price-items';
import type { Product } from '../../../../lib/catalog/product';
import { SAMPLE_CATALOG } from '../../../../lib/catalog/sample-catalog';
import { MixedCurrenciesError, UnknownSkuError } from '../../../../lib/errors';

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

  it('refuses items priced in more than one currency with 422 MIXED_CURRENCIES, naming each currency once', () => {
    const mixed = new Map<string, Product>([
      ...catalog,
      ['SKU-USD', { sku: 'SKU-USD', name: 'Priced in dollars', priceCents: 1000, currency: 'USD', stock: 5 }],
      ['SKU-GBP', { sku: 'SKU-GBP', name: 'Priced in pounds', priceCents: 1000, currency: 'GBP', stock: 5 }],
    ]);
    const request = ['SKU-1', 'SKU-USD', 'SKU-3', 'SKU-GBP'].map((sku) => ({ sku, quantity: 1 }));

    expect(() => priceItems(request, mixed)).toThrow(MixedCurrenciesError);
    expect(() => priceItems(request, mixed)).toThrow(
      expect.objectContaining({
        status: 422,
        code: 'MIXED_CURRENCIES',
        message: 'One order must be priced in one currency; these items are in EUR, USD, GBP.',
        details: [
          { sku: 'SKU-USD', currency: 'USD', message: 'is priced in USD, not EUR' },
          { sku: 'SKU-GBP', currency: 'GBP', message: 'is priced in GBP, not EUR' },
        ],
      }),
    );
  });
});
