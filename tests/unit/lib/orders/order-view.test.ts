import { NO_PAYMENT, orderView } from '../../../../lib/orders/order-view';
import { pendingOrder } from '../../../support/fakes';

describe('orderView', () => {
  const order = pendingOrder({ orderId: '3f1c9a52-7e4b-4c8d-a1f6-0b2d4e6f8a10' });

  it('shows SPEC §1 order fields and keeps the payment token, creation time and version inside', () => {
    const view = orderView(order, { status: 'CHARGED', attempts: 1, charges: 1, chargeId: 'charge-1' });

    expect(view).toEqual({
      orderId: order.orderId,
      customerId: order.customerId,
      status: 'PENDING',
      items: order.items,
      totalCents: 4998,
      currency: 'EUR',
      payment: { status: 'CHARGED', attempts: 1, charges: 1, chargeId: 'charge-1' },
      history: order.history,
      correlationId: order.correlationId,
      fulfilment: null,
    });
  });

  it('shows a recorded shipment as status, carrier, tracking id and time, nothing more', () => {
    const fulfilment = {
      orderId: order.orderId,
      customerId: order.customerId,
      correlationId: order.correlationId,
      status: 'SHIPPED' as const,
      carrier: 'DHL' as const,
      trackingId: 'DHL-140994130121',
      at: '2026-11-22T10:00:03.000Z',
    };

    expect(orderView(order, undefined, fulfilment).fulfilment).toEqual({
      status: 'SHIPPED',
      carrier: 'DHL',
      trackingId: 'DHL-140994130121',
      at: '2026-11-22T10:00:03.000Z',
    });
  });

  it('shows no payment yet as NONE with no charge id', () => {
    expect(orderView(order).payment).toEqual({ status: 'NONE', attempts: 0, charges: 0 });
    expect(NO_PAYMENT).toEqual({ status: 'NONE', attempts: 0, charges: 0 });
  });
});
