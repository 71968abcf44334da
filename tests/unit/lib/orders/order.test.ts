import { IllegalTransitionError } from '../../../../lib/errors';
import { assertTransition, EVENT_FOR_STATUS, isTerminal, transition, type OrderStatus } from '../../../../lib/orders/order';
import { pendingOrder } from '../../../support/fakes';

const STATUSES: OrderStatus[] = ['PENDING', 'PAID', 'CONFIRMED', 'PAYMENT_FAILED', 'CANCELLED', 'EXPIRED'];

// SPEC §1: PENDING → PAID → CONFIRMED, or the terminal PAYMENT_FAILED, CANCELLED (from PAID), EXPIRED (from PENDING).
const LEGAL: [OrderStatus, OrderStatus][] = [
  ['PENDING', 'PAID'],
  ['PENDING', 'PAYMENT_FAILED'],
  ['PENDING', 'EXPIRED'],
  ['PAID', 'CONFIRMED'],
  ['PAID', 'CANCELLED'],
];
const isLegal = (from: OrderStatus, to: OrderStatus) => LEGAL.some(([f, t]) => f === from && t === to);
const ILLEGAL = STATUSES.flatMap((from) => STATUSES.filter((to) => !isLegal(from, to)).map((to) => [from, to] as [OrderStatus, OrderStatus]));

describe('order state machine', () => {
  it.each(LEGAL)('allows %s → %s', (from, to) => {
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it.each(ILLEGAL)('refuses %s → %s', (from, to) => {
    expect(() => assertTransition(from, to)).toThrow(IllegalTransitionError);
  });

  it('names both ends of an illegal transition', () => {
    const error = (() => {
      try {
        assertTransition('CONFIRMED', 'PENDING');
      } catch (caught) {
        return caught as IllegalTransitionError;
      }
      throw new Error('no error');
    })();
    expect(error).toMatchObject({ from: 'CONFIRMED', to: 'PENDING', name: 'IllegalTransitionError' });
    expect(error.message).toBe('An order cannot go from CONFIRMED to PENDING.');
  });

  it.each([
    ['PENDING', false],
    ['PAID', false],
    ['CONFIRMED', true],
    ['PAYMENT_FAILED', true],
    ['CANCELLED', true],
    ['EXPIRED', true],
  ] as [OrderStatus, boolean][])('isTerminal(%s) is %s', (status, terminal) => {
    expect(isTerminal(status)).toBe(terminal);
  });

  it('names a past-tense event for every status', () => {
    expect(EVENT_FOR_STATUS).toEqual({
      PENDING: 'OrderPlaced',
      PAID: 'OrderPaid',
      CONFIRMED: 'OrderConfirmed',
      PAYMENT_FAILED: 'OrderPaymentFailed',
      CANCELLED: 'OrderCancelled',
      EXPIRED: 'OrderExpired',
    });
  });
});

describe('transition', () => {
  it('moves the status, appends to the history and bumps the version', () => {
    // Arrange
    const order = pendingOrder({ orderId: 'order-1' });

    // Act
    const paid = transition(order, 'PAID', new Date('2026-11-22T10:00:01.250Z'));

    // Assert
    expect(paid.status).toBe('PAID');
    expect(paid.version).toBe(2);
    expect(paid.history).toEqual([
      { status: 'PENDING', at: '2026-11-22T10:00:00.000Z' },
      { status: 'PAID', at: '2026-11-22T10:00:01.250Z' },
    ]);
    expect({ ...paid, status: order.status, history: order.history, version: order.version }).toEqual(order);
  });

  it('leaves the given order untouched', () => {
    const order = pendingOrder({ orderId: 'order-2' });
    const before = structuredClone(order);

    transition(order, 'EXPIRED', new Date('2026-11-22T10:20:00.000Z'));

    expect(order).toEqual(before);
  });

  it('refuses an illegal move without producing an order', () => {
    const confirmed = { ...pendingOrder({ orderId: 'order-3' }), status: 'CONFIRMED' as const };

    expect(() => transition(confirmed, 'CANCELLED', new Date())).toThrow(IllegalTransitionError);
  });
});
