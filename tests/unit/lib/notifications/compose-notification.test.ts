import { composeNotification, composeShippedNotification } from '../../../../lib/notifications/notify-customer';
import type { OrderStatus } from '../../../../lib/orders/order';
import { sampleOrder } from '../../../support/fakes';

const sentAt = new Date('2026-11-22T10:00:03.000Z');
const orderIn = (status: OrderStatus) => sampleOrder({ status });

describe('composeNotification', () => {
  it('writes the e-mail of a confirmed order', () => {
    expect(composeNotification(orderIn('CONFIRMED'), sentAt)).toEqual({
      orderId: '3f1c9a52-7e4b-4c8d-a1f6-0b2d4e6f8a10',
      customerId: '8d2f4b1e-6c3a-4f7d-9b2e-1a5c3e7f9d01',
      status: 'CONFIRMED',
      subject: 'Your order is confirmed',
      body: 'Your order is confirmed: order 3f1c9a52-7e4b-4c8d-a1f6-0b2d4e6f8a10, 2 item(s), 55.97 EUR.',
      sentAt: '2026-11-22T10:00:03.000Z',
    });
  });

  it.each([
    ['PAYMENT_FAILED', 'Your payment was declined'],
    ['CANCELLED', 'Your order was cancelled and refunded'],
    ['EXPIRED', 'Your order expired before payment'],
  ] as [OrderStatus, string][])('has a subject for %s', (status, subject) => {
    const notification = composeNotification(orderIn(status), sentAt);

    expect(notification).toMatchObject({ status, subject });
    expect(notification?.body.startsWith(`${subject}: order `)).toBe(true);
  });

  it.each(['PENDING', 'PAID'] as OrderStatus[])('writes nothing for the non-terminal status %s', (status) => {
    expect(composeNotification(orderIn(status), sentAt)).toBeUndefined();
  });

  it('prints amounts with two decimals', () => {
    const order = { ...orderIn('CONFIRMED'), totalCents: 5, items: [{ sku: 'SKU-X', quantity: 1, unitPriceCents: 5 }] };

    expect(composeNotification(order, sentAt)?.body).toContain('1 item(s), 0.05 EUR.');
  });
});

describe('composeShippedNotification', () => {
  it('writes the shipped e-mail with the carrier and the tracking id', () => {
    expect(composeShippedNotification(orderIn('CONFIRMED'), { carrier: 'UPS', trackingId: 'UPS-000000000042' }, sentAt)).toEqual({
      orderId: '3f1c9a52-7e4b-4c8d-a1f6-0b2d4e6f8a10',
      customerId: '8d2f4b1e-6c3a-4f7d-9b2e-1a5c3e7f9d01',
      status: 'SHIPPED',
      subject: 'Your order has shipped',
      body: 'Your order has shipped: order 3f1c9a52-7e4b-4c8d-a1f6-0b2d4e6f8a10, 2 item(s), with UPS, tracking id UPS-000000000042.',
      sentAt: '2026-11-22T10:00:03.000Z',
    });
  });
});
