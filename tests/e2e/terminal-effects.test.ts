import { randomUUID } from 'node:crypto';
import { call, tokenFor } from './support/api';

// What a client that stops polling at a terminal status is told must be final: the status and its
// effect on the payment are one write (SPEC: this is how an async result is returned to a caller).
// The payment is read after the status (GET /orders/{id}), so it may be newer: a PAID order read just
// before it was cancelled shows its charge already refunded, which still says it was charged.
const EFFECT: Record<string, string[]> = {
  CANCELLED: ['REFUNDED'],
  PAYMENT_FAILED: ['DECLINED'],
  CONFIRMED: ['CHARGED'],
  PAID: ['CHARGED', 'REFUNDED'],
};
const TERMINAL = new Set(['CONFIRMED', 'PAYMENT_FAILED', 'CANCELLED', 'EXPIRED']);

type Seen = { orderId: string; status: string; payment: string };

/** Polls one order as fast as the API answers until it is terminal; every read is kept. */
async function pollToTheEnd(token: string, orderId: string, deadline: number): Promise<Seen[]> {
  const seen: Seen[] = [];
  while (Date.now() < deadline) {
    const { body } = await call('GET', `/orders/${orderId}`, { token });
    seen.push({ orderId, status: body.status, payment: body.payment.status });
    if (TERMINAL.has(body.status)) return seen;
  }
  throw new Error(`order ${orderId} did not reach a terminal status; last read ${JSON.stringify(seen.at(-1))}`);
}

describe('a status is never read without its effect', () => {
  it('finds no CANCELLED, PAYMENT_FAILED, CONFIRMED or PAID read without its refund, decline or charge, over 40 orders polled flat out', async () => {
    const token = await tokenFor(randomUUID());
    const bodies = [
      ...Array.from({ length: 30 }, () => ({ items: [{ sku: 'SKU-OOS', quantity: 1 }], paymentToken: 'tok_visa' })),
      ...Array.from({ length: 10 }, () => ({ items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_declined' })),
    ];
    const deadline = Date.now() + 60_000;

    const reads = (
      await Promise.all(
        bodies.map(async (body) => {
          const placed = await call('POST', '/orders', { token, body });
          expect(placed.status).toBe(202);
          return pollToTheEnd(token, placed.body.orderId, deadline);
        }),
      )
    ).flat();

    const withoutEffect = reads.filter((read) => EFFECT[read.status] && !EFFECT[read.status].includes(read.payment));
    expect(withoutEffect).toEqual([]);
    // The test saw what it is about: terminal reads of both kinds.
    const finals = new Set(reads.filter((read) => TERMINAL.has(read.status)).map((read) => `${read.status}/${read.payment}`));
    expect(finals).toEqual(new Set(['CANCELLED/REFUNDED', 'PAYMENT_FAILED/DECLINED']));
  }, 90_000);
});
