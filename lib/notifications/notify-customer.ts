import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { unlessConditionFails } from '../aws/conditional';
import type { Booking } from '../fulfilment/carrier';
import type { Order } from '../orders/order';

/** What a customer is mailed about: an order's terminal status, or its parcel leaving. */
export type NotifiedStatus = Order['status'] | 'SHIPPED';
export type Notification = { orderId: string; customerId: string; status: NotifiedStatus; subject: string; body: string; sentAt: string };

const SUBJECTS: Partial<Record<Order['status'], string>> = {
  CONFIRMED: 'Your order is confirmed',
  PAYMENT_FAILED: 'Your payment was declined',
  CANCELLED: 'Your order was cancelled and refunded',
  EXPIRED: 'Your order expired before payment',
};

/** The simulated e-mail for an order's terminal status; undefined for a status we do not mail. */
export function composeNotification(order: Order, sentAt: Date): Notification | undefined {
  const subject = SUBJECTS[order.status];
  if (!subject) return undefined;
  const total = `${(order.totalCents / 100).toFixed(2)} ${order.currency}`;
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    status: order.status,
    subject,
    body: `${subject}: order ${order.orderId}, ${order.items.length} item(s), ${total}.`,
    sentAt: sentAt.toISOString(),
  };
}

const SHIPPED_SUBJECT = 'Your order has shipped';

/** The simulated e-mail saying the order's parcel is with the carrier. */
export function composeShippedNotification(order: Order, shipment: Booking, sentAt: Date): Notification {
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    status: 'SHIPPED',
    subject: SHIPPED_SUBJECT,
    body: `${SHIPPED_SUBJECT}: order ${order.orderId}, ${order.items.length} item(s), with ${shipment.carrier}, tracking id ${shipment.trackingId}.`,
    sentAt: sentAt.toISOString(),
  };
}

export const notificationKey = (orderId: string, status: string) => ({ pk: `ORDER#${orderId}`, sk: `NOTIFICATION#${status}` });

/** The outbox of simulated e-mails: one per order and status, however often the event arrives. */
export function notificationStore(tableName: string) {
  return {
    /** False when this notification was already written. */
    async write(notification: Notification): Promise<boolean> {
      return unlessConditionFails(
        dynamo
          .send(
            new PutCommand({
              TableName: tableName,
              Item: { ...notificationKey(notification.orderId, notification.status), ...notification },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          )
          .then(() => true),
        () => false,
      );
    },
  };
}

export type NotificationStore = ReturnType<typeof notificationStore>;
