import type { ScheduledEvent } from 'aws-lambda';
import { PublishCommand } from '@aws-sdk/client-sns';
import type * as ExpireStaleOrdersModule from '../../../handlers/expire-stale-orders';
import type { OrderStore } from '../../../lib/orders/order-store';
import { startDynalite, type TestTable } from '../../support/dynalite';
import { fixture } from '../../support/events';
import { pendingOrder } from '../../support/fakes';
import { lambdaContext } from '../../support/lambda-context';
import { stubOrderEventPublishing } from '../../support/order-events';

const publishing = stubOrderEventPublishing();
let table: TestTable;
let handler: typeof ExpireStaleOrdersModule.handler;
let orders: OrderStore;

beforeAll(async () => {
  table = await startDynalite();
  ({ handler } = await import('../../../handlers/expire-stale-orders'));
  orders = (await import('../../../lib/orders/order-store')).orderStore(table.tableName);
});
beforeEach(() => publishing.reset());
afterAll(async () => {
  publishing.restore();
  await table.close();
});

const invoke = () => handler(fixture<ScheduledEvent>('expireStaleOrders'), lambdaContext('expireStaleOrders'));
// The handler runs on the real clock, with PENDING_ORDER_TTL_SECONDS=900 from tests/setup-env.js.
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe('expireStaleOrders (schedule)', () => {
  it('expires the PENDING orders older than the deadline and publishes OrderExpired for each', async () => {
    await orders.create(pendingOrder({ orderId: 'old-order', createdAt: minutesAgo(20) }));
    await orders.create(pendingOrder({ orderId: 'new-order', createdAt: minutesAgo(5) }));

    await invoke();

    await expect(orders.get('old-order')).resolves.toMatchObject({ status: 'EXPIRED', version: 2 });
    await expect(orders.get('new-order')).resolves.toMatchObject({ status: 'PENDING' });
    expect(publishing.published()).toEqual([
      {
        topicArn: 'arn:aws:sns:us-east-1:000000000000:orderflow-test-order-events',
        message: expect.objectContaining({ eventType: 'OrderExpired', orderId: 'old-order', status: 'EXPIRED', version: 2 }),
        attributes: { eventType: 'OrderExpired', correlationId: expect.any(String) },
      },
    ]);
    expect(publishing.streamed()).toEqual([expect.objectContaining({ partitionKey: 'old-order', data: expect.objectContaining({ status: 'EXPIRED' }) })]);
  });

  it('expires nothing twice', async () => {
    await invoke();

    expect(publishing.published()).toEqual([]);
  });

  it('throws when publishing fails, so Lambda retries the schedule event', async () => {
    await orders.create(pendingOrder({ orderId: 'old-order-2', createdAt: minutesAgo(30) }));
    publishing.sns.on(PublishCommand).rejects(new Error('SNS unavailable'));

    await expect(invoke()).rejects.toThrow('SNS unavailable');
  });

  it('publishes OrderExpired on the next run for the order whose announcement failed', async () => {
    // old-order-2 was expired by the failed run above, which could not publish.
    await invoke();

    expect(publishing.published()).toEqual([
      expect.objectContaining({ message: expect.objectContaining({ eventType: 'OrderExpired', orderId: 'old-order-2', version: 2 }) }),
    ]);
  });
});
