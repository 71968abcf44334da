import type { Product } from './product';

/**
 * The catalog the local stages are seeded with: plenty of stock, and one product that is out. Two
 * products exercise fulfilment's failure paths (lib/fulfilment/carrier.ts): the carrier is busy twice
 * for SKU-FRAGILE before it books, and refuses SKU-HAZMAT for good.
 */
export const SAMPLE_CATALOG: Product[] = [
  { sku: 'SKU-1', name: 'Espresso beans, 1 kg', priceCents: 2499, currency: 'EUR', stock: 1_000_000 },
  { sku: 'SKU-2', name: 'Ceramic pour-over dripper', priceCents: 3450, currency: 'EUR', stock: 1_000_000 },
  { sku: 'SKU-3', name: 'Paper filters, 100 pack', priceCents: 599, currency: 'EUR', stock: 1_000_000 },
  { sku: 'SKU-4', name: 'Burr grinder', priceCents: 12900, currency: 'EUR', stock: 1_000_000 },
  {
    sku: 'SKU-FRAGILE',
    name: 'Glass cold-brew carafe (fragile: the carrier books it on the third request)',
    priceCents: 2900,
    currency: 'EUR',
    stock: 1_000_000,
  },
  { sku: 'SKU-HAZMAT', name: 'Butane camping stove (hazardous: no carrier takes it)', priceCents: 4500, currency: 'EUR', stock: 1_000_000 },
  { sku: 'SKU-OOS', name: 'Limited edition kettle (sold out)', priceCents: 8900, currency: 'EUR', stock: 0 },
];
