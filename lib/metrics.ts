import type { MiddlewareObj } from '@middy/core';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Order } from './orders/order';
import type { ConditionalUpdate, Created, IdempotencyClaim, Transitioned, TransitionedWith } from './orders/order-store';

/**
 * The business metrics, written as CloudWatch embedded metric format (EMF) lines in the function's
 * log: no API call, no latency. Namespace `orderflow`, one dimension (`service`), so each metric is
 * one time series per stage's account and region.
 */
export const metrics = new Metrics({ namespace: 'orderflow' });

export const BusinessMetric = {
  OrdersPlaced: 'OrdersPlaced',
  PaymentsDeclined: 'PaymentsDeclined',
  OrdersCancelled: 'OrdersCancelled',
  /** A record failed on its last delivery: SQS moves it to the dead-letter queue. */
  DeadLettered: 'DeadLettered',
} as const;
export type BusinessMetric = (typeof BusinessMetric)[keyof typeof BusinessMetric];

export function countMetric(name: BusinessMetric, count = 1): void {
  metrics.addMetric(name, MetricUnit.Count, count);
}

type CountedStore = {
  create(order: Order, idempotency?: IdempotencyClaim): Promise<Created>;
  transition(order: Order, to: Order['status'], at: Date): Promise<Transitioned>;
  transitionWith(order: Order, to: Order['status'], at: Date, effect: ConditionalUpdate): Promise<TransitionedWith>;
};

/** The business metric a move of an order to `status` counts, if any. */
function countMove(status: Order['status']): void {
  if (status === 'PAYMENT_FAILED') countMetric(BusinessMetric.PaymentsDeclined);
  if (status === 'CANCELLED') countMetric(BusinessMetric.OrdersCancelled);
}

/**
 * The order store, counting the changes it actually made: an order created (not a replay of its
 * idempotency key), a payment declined, an order cancelled. Counting where the write succeeds,
 * rather than where a handler sees a status, keeps redeliveries and replays out of the figures.
 */
export function countingOrderChanges<S extends Partial<CountedStore>>(store: S): S {
  const counted: Partial<CountedStore> = {};
  const { create, transition, transitionWith } = store;
  if (create) {
    counted.create = async function createCounted(...args) {
      const result = await create(...args);
      if (result.created) countMetric(BusinessMetric.OrdersPlaced);
      return result;
    };
  }
  if (transition) {
    counted.transition = async function transitionCounted(...args) {
      const result = await transition(...args);
      if (result.changed) countMove(result.order.status);
      return result;
    };
  }
  if (transitionWith) {
    counted.transitionWith = async function transitionWithCounted(...args) {
      const result = await transitionWith(...args);
      if (result.outcome === 'CHANGED') countMove(result.order.status);
      return result;
    };
  }
  return { ...store, ...counted } as S;
}

/**
 * Writes what an invocation counted, once, at its end (also when it failed). Unlike Powertools'
 * logMetrics it writes nothing, and warns about nothing, when the invocation counted nothing.
 */
export function publishMetrics(): MiddlewareObj {
  const publish = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: publish, onError: publish };
}
