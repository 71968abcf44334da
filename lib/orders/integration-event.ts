import { EVENT_FOR_STATUS, type Order, type OrderEventType, type OrderStatus } from './order';

/** The `source` of every integration event orderflow puts on its bus. */
export const INTEGRATION_SOURCE = 'orderflow';

/** The `detail` of an integration event: what other systems (and fulfilOrder) may rely on. */
export type IntegrationEventDetail = {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  totalCents: number;
  currency: string;
  /** When the order reached this status. */
  at: string;
  correlationId: string;
  /** The order's version at this status: consumers ignore an event older than what they have seen. */
  version: number;
};

export type IntegrationEvent = { source: typeof INTEGRATION_SOURCE; detailType: OrderEventType; detail: IntegrationEventDetail };

/** The integration event of an order's current status (detail-type: the past-tense event name). */
export function toIntegrationEvent(order: Order): IntegrationEvent {
  return {
    source: INTEGRATION_SOURCE,
    detailType: EVENT_FOR_STATUS[order.status],
    detail: {
      orderId: order.orderId,
      customerId: order.customerId,
      status: order.status,
      totalCents: order.totalCents,
      currency: order.currency,
      at: order.history[order.history.length - 1].at,
      correlationId: order.correlationId,
      version: order.version,
    },
  };
}
