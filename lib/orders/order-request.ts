import { z } from 'zod';
import { ValidationError } from '../errors';

const MAX_ITEMS = 50;

/** One schema for every way an order enters: the HTTP body and each CSV row. */
const orderRequestSchema = z.strictObject({
  items: z
    .array(
      z.strictObject({
        sku: z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,31}$/, 'must be a SKU such as "SKU-1"'),
        quantity: z.number().int('must be a whole number').min(1).max(1000),
      }),
    )
    .min(1, 'must hold at least one item')
    .max(MAX_ITEMS, `must hold at most ${MAX_ITEMS} items`)
    .refine((items) => new Set(items.map((item) => item.sku)).size === items.length, 'must name each SKU once'),
  paymentToken: z.string().regex(/^tok_(visa|declined|flaky_\d{1,2})$/, 'must be tok_visa, tok_declined or tok_flaky_<n>'),
});

export type OrderRequest = z.infer<typeof orderRequestSchema>;

export function parseOrderRequest(input: unknown): OrderRequest {
  const parsed = orderRequestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    parsed.error.issues.map((issue) => ({
      field: issue.path.length ? issue.path.join('.') : '(body)',
      message: issue.message,
    })),
  );
}
