import { IllegalTransitionError } from '../errors';

export type OrderStatus = 'PENDING' | 'PAID' | 'CONFIRMED' | 'PAYMENT_FAILED' | 'CANCELLED' | 'EXPIRED';
export type PaymentStatus = 'NONE' | 'CHARGED' | 'DECLINED' | 'REFUNDED';

export type OrderItem = { sku: string; quantity: number; unitPriceCents: number };

export type Payment = { status: PaymentStatus; attempts: number; charges: number; chargeId?: string };

export type Order = {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  items: OrderItem[];
  totalCents: number;
  currency: string;
  paymentToken: string;
  history: { status: OrderStatus; at: string }[];
  correlationId: string;
  createdAt: string;
  /** Bumped on every status change; consumers use it to ignore stale or repeated events. */
  version: number;
};

const TRANSITIONS: Record<OrderStatus, OrderStatus[]> = {
  PENDING: ['PAID', 'PAYMENT_FAILED', 'EXPIRED'],
  PAID: ['CONFIRMED', 'CANCELLED'],
  CONFIRMED: [],
  PAYMENT_FAILED: [],
  CANCELLED: [],
  EXPIRED: [],
};

export const isTerminal = (status: OrderStatus): boolean => TRANSITIONS[status].length === 0;

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!TRANSITIONS[from].includes(to)) throw new IllegalTransitionError(from, to);
}

/** The order after a status change: pure, so the rule is testable without a store. */
export function transition(order: Order, to: OrderStatus, at: Date): Order {
  assertTransition(order.status, to);
  return {
    ...order,
    status: to,
    history: [...order.history, { status: to, at: at.toISOString() }],
    version: order.version + 1,
  };
}

/** The past-tense fact announced when an order reaches a status. */
export const EVENT_FOR_STATUS = {
  PENDING: 'OrderPlaced',
  PAID: 'OrderPaid',
  CONFIRMED: 'OrderConfirmed',
  PAYMENT_FAILED: 'OrderPaymentFailed',
  CANCELLED: 'OrderCancelled',
  EXPIRED: 'OrderExpired',
} as const satisfies Record<OrderStatus, string>;

export type OrderEventType = (typeof EVENT_FOR_STATUS)[OrderStatus];
