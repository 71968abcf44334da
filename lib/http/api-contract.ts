import * as z from 'zod/mini';
import { orderRequestSchema } from '../orders/order-request';

/**
 * The HTTP API's contract: each route with the schema its handler validates the request with (the
 * same object, imported) and the shapes it answers with. scripts/openapi.ts turns it into
 * docs/openapi.json; no handler imports this file, so it adds nothing to a bundle.
 */

const ORDER_STATUS = z.enum(['PENDING', 'PAID', 'CONFIRMED', 'PAYMENT_FAILED', 'CANCELLED', 'EXPIRED']);
const count = z.number().check(z.int(), z.minimum(0));
const cents = z.number().check(z.int());
const orderItem = z.object({ sku: z.string(), quantity: count, unitPriceCents: cents });
const tally = z.object({ orders: count, revenueCents: cents, byStatus: z.partialRecord(ORDER_STATUS, count) });

export const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    // A field of the request that is wrong (400), or a product of the order that is (422: unknown, or priced in another currency).
    details: z.array(
      z.union([z.object({ field: z.string(), message: z.string() }), z.object({ sku: z.string(), currency: z.optional(z.string()), message: z.string() })]),
    ),
  }),
});

const schemas = {
  Health: z.object({ status: z.literal('ok') }),
  ProductList: z.object({
    products: z.array(z.object({ sku: z.string(), name: z.string(), priceCents: cents, currency: z.string(), stock: count })),
  }),
  OrderRequest: orderRequestSchema,
  OrderAccepted: z.object({ orderId: z.string(), status: ORDER_STATUS }),
  Order: z.object({
    orderId: z.string(),
    customerId: z.string(),
    status: ORDER_STATUS,
    items: z.array(orderItem),
    totalCents: cents,
    currency: z.string(),
    payment: z.object({
      status: z.enum(['NONE', 'CHARGED', 'DECLINED', 'REFUNDED']),
      attempts: count,
      charges: count,
      chargeId: z.optional(z.string()),
    }),
    history: z.array(z.object({ status: ORDER_STATUS, at: z.string() })),
    correlationId: z.string(),
    // null until fulfilOrder booked the parcel of a CONFIRMED order.
    fulfilment: z.nullable(z.object({ status: z.literal('SHIPPED'), carrier: z.string(), trackingId: z.string(), at: z.string() })),
  }),
  ImportCreated: z.object({ importId: z.string(), uploadUrl: z.string(), expiresAt: z.string() }),
  Import: z.object({
    importId: z.string(),
    status: z.enum(['PENDING', 'COMPLETED']),
    acceptedRows: count,
    rejectedRows: count,
    orderIds: z.array(z.string()),
    errors: z.array(z.object({ row: count, code: z.string(), message: z.string() })),
  }),
  SalesReport: z.object({ date: z.string(), totals: tally, hours: z.array(z.extend(tally, { hour: z.string() })) }),
  Error: errorBody,
  /** What API Gateway itself answers when the authorizer says no (401 without a token, 403 with a bad one). */
  GatewayError: z.object({ message: z.string() }),
};
export type SchemaName = keyof typeof schemas;
export const API_SCHEMAS: Record<SchemaName, z.ZodMiniType> = schemas;

export type Route = {
  method: 'get' | 'post';
  path: string;
  summary: string;
  /** Behind the bearerToken authorizer. */
  auth: boolean;
  request?: SchemaName;
  /** Status -> the schema of the body; every route may also answer the error shape (below). */
  responses: Record<number, SchemaName>;
  /** Error statuses the route answers on purpose, besides 401 (auth) and 500. */
  errors: number[];
};

export const ROUTES: Route[] = [
  { method: 'get', path: '/health', summary: 'Liveness', auth: false, responses: { 200: 'Health' }, errors: [] },
  { method: 'get', path: '/products', summary: 'The catalog', auth: false, responses: { 200: 'ProductList' }, errors: [] },
  {
    method: 'post',
    path: '/orders',
    summary: 'Place an order (optional Idempotency-Key header)',
    auth: true,
    request: 'OrderRequest',
    responses: { 202: 'OrderAccepted' },
    errors: [400, 409, 413, 415, 422],
  },
  { method: 'get', path: '/orders/{orderId}', summary: 'An order of the caller', auth: true, responses: { 200: 'Order' }, errors: [400, 404] },
  { method: 'post', path: '/imports', summary: 'Start a CSV import: a presigned upload URL', auth: true, responses: { 201: 'ImportCreated' }, errors: [] },
  {
    method: 'get',
    path: '/imports/{importId}',
    summary: 'An import of the caller and its outcome',
    auth: true,
    responses: { 200: 'Import' },
    errors: [400, 404],
  },
  { method: 'get', path: '/reports/sales', summary: 'Sales of a day (?date=YYYY-MM-DD, UTC)', auth: true, responses: { 200: 'SalesReport' }, errors: [400] },
];
