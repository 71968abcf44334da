import * as z from 'zod/mini';
import { MalformedMessageError } from '../triggers/order-message';

const id = z.string().check(z.minLength(1), z.maxLength(128));

// The integration event as the outbox puts it on the bus (SPEC §2): fulfilment reads the order
// itself, but a delivery that is not this event is refused whole, with every field that is wrong.
const orderConfirmedSchema = z.object({
  source: z.literal('orderflow'),
  'detail-type': z.literal('OrderConfirmed'),
  detail: z.object({
    orderId: z.string().check(z.minLength(1), z.maxLength(64)),
    customerId: id,
    status: z.literal('CONFIRMED'),
    totalCents: z.number().check(z.int(), z.minimum(0)),
    currency: z.string().check(z.length(3)),
    at: z.string().check(z.minLength(1)),
    correlationId: id,
    version: z.number().check(z.int(), z.positive()),
  }),
});

export type OrderConfirmed = z.infer<typeof orderConfirmedSchema>['detail'];

/** The detail of an OrderConfirmed event from the integration bus; anything else throws naming the bad fields. */
export function parseOrderConfirmed(event: unknown): OrderConfirmed {
  const parsed = orderConfirmedSchema.safeParse(event);
  if (!parsed.success) throw new MalformedMessageError(parsed.error.issues.map((i) => i.path.join('.') || 'event').join(', '));
  return parsed.data.detail;
}
