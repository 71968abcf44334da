import * as z from 'zod/mini';

const orderMessageSchema = z.object({
  eventType: z.string().check(z.minLength(1)),
  orderId: z.string().check(z.minLength(1), z.maxLength(64)),
  correlationId: z.optional(z.string().check(z.maxLength(128))),
});

export type OrderMessage = z.infer<typeof orderMessageSchema>;

export class MalformedMessageError extends Error {
  constructor(reason: string) {
    super(`Malformed order event: ${reason}`);
    this.name = 'MalformedMessageError';
  }
}

/** An order event from an SNS message or an SQS body; a malformed one throws, never vanishes. */
export function parseOrderMessage(body: string | undefined): OrderMessage {
  let json: unknown;
  try {
    json = JSON.parse(body ?? '');
  } catch {
    throw new MalformedMessageError('not JSON');
  }
  const parsed = orderMessageSchema.safeParse(json);
  if (!parsed.success) throw new MalformedMessageError(parsed.error.issues.map((i) => i.path.join('.') || 'message').join(', '));
  return parsed.data;
}
