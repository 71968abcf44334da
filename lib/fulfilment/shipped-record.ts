import * as z from 'zod/mini';
import { MalformedMessageError } from '../triggers/order-message';
import { CARRIERS } from './carrier';
import type { Shipped } from './fulfil-order';

const id = z.string().check(z.minLength(1), z.maxLength(128));

// fulfilOrder's success record as Lambda puts it on the bus (on-success destination): the shipment is its responsePayload.
const shippedRecordSchema = z.object({
  source: z.literal('lambda'),
  'detail-type': z.literal('Lambda Function Invocation Result - Success'),
  detail: z.object({
    requestContext: z.object({ condition: z.literal('Success') }),
    responsePayload: z.object({
      orderId: z.string().check(z.minLength(1), z.maxLength(64)),
      customerId: id,
      correlationId: id,
      status: z.literal('SHIPPED'),
      carrier: z.enum(CARRIERS),
      trackingId: z.string().check(z.minLength(1), z.maxLength(64)),
      at: z.string().check(z.minLength(1)),
    }),
  }),
});

/** The shipment of a fulfilOrder success record; anything else throws naming the bad fields. */
export function parseShippedRecord(event: unknown): Shipped {
  const parsed = shippedRecordSchema.safeParse(event);
  if (!parsed.success) throw new MalformedMessageError(parsed.error.issues.map((i) => i.path.join('.') || 'event').join(', '));
  return parsed.data.detail.responsePayload;
}
