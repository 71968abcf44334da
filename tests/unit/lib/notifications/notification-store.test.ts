import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Notification, NotificationStore } from '../../../../lib/notifications/notify-customer';
import { startDynalite, type TestTable } from '../../../support/dynalite';

let table: TestTable;
let notifications: NotificationStore;

beforeAll(async () => {
  table = await startDynalite();
  notifications = (await import('../../../../lib/notifications/notify-customer')).notificationStore(table.tableName);
});
afterAll(() => table.close());

const notification = (orderId: string, status: Notification['status'] = 'CONFIRMED', sentAt = '2026-11-22T10:00:03.000Z'): Notification => ({
  orderId,
  customerId: '8d2f4b1e-6c3a-4f7d-9b2e-1a5c3e7f9d01',
  status,
  subject: 'Your order is confirmed',
  body: `Your order is confirmed: order ${orderId}, 1 item(s), 24.99 EUR.`,
  sentAt,
});

const stored = async (orderId: string, status: string) =>
  (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: `ORDER#${orderId}`, sk: `NOTIFICATION#${status}` } }))).Item;

describe('notificationStore', () => {
  it('writes a notification beside its order', async () => {
    await expect(notifications.write(notification('n-1'))).resolves.toBe(true);

    expect(await stored('n-1', 'CONFIRMED')).toEqual({ pk: 'ORDER#n-1', sk: 'NOTIFICATION#CONFIRMED', ...notification('n-1') });
  });

  it('writes one notification per order and status, however often it is asked', async () => {
    await notifications.write(notification('n-2'));

    await expect(notifications.write(notification('n-2', 'CONFIRMED', '2026-11-22T10:05:00.000Z'))).resolves.toBe(false);
    expect(await stored('n-2', 'CONFIRMED')).toMatchObject({ sentAt: '2026-11-22T10:00:03.000Z' });
  });

  it('writes a second notification for another status of the same order', async () => {
    await notifications.write(notification('n-3', 'CONFIRMED'));

    await expect(notifications.write(notification('n-3', 'CANCELLED'))).resolves.toBe(true);
  });

  it('writes exactly one under concurrent deliveries', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => notifications.write(notification('n-4'))));

    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
