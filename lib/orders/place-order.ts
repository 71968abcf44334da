import { createHash } from 'node:crypto';
import { priceItems } from '../catalog/price-items';
import type { Product } from '../catalog/product';
import { ValidationError } from '../errors';
import type { Order } from './order';
import { parseOrderRequest, type OrderRequest } from './order-request';
import type { Created, IdempotencyClaim } from './order-store';

export type PlaceOrderDeps = {
  catalog: { get(skus: string[]): Promise<Map<string, Product>> };
  orders: { create(order: Order, idempotency?: IdempotencyClaim): Promise<Created> };
  clock: () => Date;
  newId: () => string;
};

export type PlaceOrderInput = {
  customerId: string;
  /** The untrusted request: an HTTP body or a CSV row turned into the same shape. */
  request: unknown;
  idempotencyKey?: string;
  correlationId: string;
};

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/** The one way an order is placed, shared by POST /orders and the CSV import. */
export async function placeOrder(deps: PlaceOrderDeps, input: PlaceOrderInput): Promise<Created> {
  if (input.idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(input.idempotencyKey)) {
    throw new ValidationError([{ field: 'Idempotency-Key', message: 'must be 1 to 128 visible ASCII characters' }]);
  }
  const request = parseOrderRequest(input.request);
  const priced = priceItems(request.items, await deps.catalog.get(request.items.map((item) => item.sku)));
  const now = deps.clock().toISOString();
  const order: Order = {
    orderId: deps.newId(),
    customerId: input.customerId,
    status: 'PENDING',
    ...priced,
    paymentToken: request.paymentToken,
    history: [{ status: 'PENDING', at: now }],
    correlationId: input.correlationId,
    createdAt: now,
    version: 1,
  };
  const claim = input.idempotencyKey ? { key: input.idempotencyKey, requestHash: hashRequest(request) } : undefined;
  // Storing the order is all: the table's stream publishes OrderPlaced (publishOrderEvents, the outbox).
  return deps.orders.create(order, claim);
}

export function hashRequest(request: OrderRequest): string {
  const canonical = JSON.stringify({
    items: request.items.map(({ sku, quantity }) => ({ sku, quantity })),
    paymentToken: request.paymentToken,
  });
  return createHash('sha256').update(canonical).digest('hex');
}
