import * as z from 'zod/mini';
import type { ActivityFact } from './sales-report';
import { utcDayAndHour } from './sales-report';

/** What an activity-stream record must hold; anything else is poison for the stream consumer. */
const activityRecordSchema = z.object({
  orderId: z.string().check(z.minLength(1)),
  status: z.enum(['PENDING', 'PAID', 'CONFIRMED', 'PAYMENT_FAILED', 'CANCELLED', 'EXPIRED']),
  totalCents: z.number().check(z.int(), z.nonnegative()),
  createdAt: z.iso.datetime(),
  version: z.number().check(z.int(), z.positive()),
  correlationId: z.optional(z.string()),
});

export class MalformedActivityError extends Error {
  constructor(reason: string) {
    super(`Malformed activity record: ${reason}`);
    this.name = 'MalformedActivityError';
  }
}

/** Parses a record's data into the fact it adds to its day; throws MalformedActivityError. */
export function parseActivity(data: string): { date: string; fact: ActivityFact; correlationId?: string } {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new MalformedActivityError('not JSON');
  }
  const parsed = activityRecordSchema.safeParse(json);
  if (!parsed.success) throw new MalformedActivityError(parsed.error.issues.map((i) => i.path.join('.') || 'record').join(', '));
  const { orderId, status, totalCents, createdAt, version, correlationId } = parsed.data;
  const { date, hour } = utcDayAndHour(createdAt);
  return { date, fact: { orderId, hour, status, totalCents, version }, correlationId };
}
