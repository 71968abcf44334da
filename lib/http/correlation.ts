import { randomUUID } from 'node:crypto';

const HEADER = 'x-correlation-id';
const SAFE_ID = /^[\w.:-]{1,128}$/;

/** The caller's correlation id when it is sane, else a new one: it travels with every message. */
export function correlationIdFrom(headers: Record<string, string | undefined> | undefined, fallback?: string): string {
  const given = headers?.[HEADER];
  if (given && SAFE_ID.test(given)) return given;
  return fallback ?? randomUUID();
}

export const CORRELATION_HEADER = HEADER;
