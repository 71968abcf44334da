import type { ScheduledEvent } from 'aws-lambda';
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
  it('expires the PENDING orders older than the deadline; it only writes the table (the outbox publishes OrderExpired)', async () => {
    await orders.create(pendingOrder({ orderId: 'old-order', createdAt: minutesAgo(20) }));
    await orders.create(pendingOrder({ orderId: 'new-order', createdAt: minutesAgo(5) }));

    await invoke();

    await expect(orders.get('old-order')).resolves.toMatchObject({ status: 'EXPIRED', version: 2 });
    await expect(orders.get('new-order')).resolves.toMatchObject({ status: 'PENDING' });
    expect(publishing.calls()).toBe(0);
  });

  it('expires nothing twice', async () => {
    await invoke();

    await expect(orders.get('old-order')).resolves.toMatchObject({ status: 'EXPIRED', version: 2 });
  });

  it('throws when the table fails, so Lambda retries the schedule event', async () => {
    await orders.create(pendingOrder({ orderId: 'old-order-2', createdAt: minutesAgo(30) }));
    const { dynamo } = await import('../../../lib/aws/dynamodb');
    const unavailable = jest.spyOn(dynamo, 'send').mockRejectedValueOnce(new Error('DynamoDB unavailable') as never);

    await expect(invoke()).rejects.toThrow('DynamoDB unavailable');
    unavailable.mockRestore();
    await invoke();

    await expect(orders.get('old-order-2')).resolves.toMatchObject({ status: 'EXPIRED', version: 2 });
  });
});
