import { MixedCurrenciesError, UnknownSkuError } from '../errors';
import type { OrderItem } from '../orders/order';
import type { Product } from './product';

export type PricedItems = { items: OrderItem[]; totalCents: number; currency: string };

/** Prices requested items from the catalog; every SKU must exist, and one order has one currency. */
export function priceItems(requested: { sku: string; quantity: number }[], catalog: Map<string, Product>): PricedItems {
  const unknown = requested.filter((item) => !catalog.has(item.sku)).map((item) => item.sku);
  if (unknown.length > 0) throw new UnknownSkuError(unknown);
  const currency = catalog.get(requested[0].sku)!.currency;
  const others = requested.map((item) => catalog.get(item.sku)!).filter((product) => product.currency !== currency);
  if (others.length > 0) throw new MixedCurrenciesError(currency, others);
  const items = requested.map((item) => ({
    sku: item.sku,
    quantity: item.quantity,
    unitPriceCents: catalog.get(item.sku)!.priceCents,
  }));
  const totalCents = items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
  return { items, totalCents, currency };
}
