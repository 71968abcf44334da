import type { SNSEvent } from 'aws-lambda';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type * as ReserveInventoryModule from '../../../handlers/reserve-inventory';
import type { Order, OrderItem } from '../../../lib/orders/order';
import type { OrderStore } from '../../../lib/orders/order-store';
import type { PaymentLedger } from '../../../lib/payments/ledger';
import { seedCatalog, startDynalite, type TestTable } from '../../support/dynalite';
import { fixture, SAMPLE } from '../../support/events';
import { pendingOrder, sampleOrder } from '../../support/fakes';
import { lambdaContext } from '../../support/lambda-context';
import { stubOrderEventPublishing } from '../../support/order-events';

const publishing = stubOrderEventPublishing();
let table: TestTable;
let handler: typeof ReserveInventoryModule.handler;
let orders: OrderStore;
let ledger: PaymentLedger;

beforeAll(async () => {
  table = await startDynalite();
  await seedCatalog(table);
  ({ handler } = await import('../../../handlers/reserve-inventory'));
  orders = (await import('../../../lib/orders/order-store')).orderStore(table.tableName);
  ledger = (await import('../../../lib/payments/ledger')).paymentLedger(table.tableName);
});
beforeEach(() => publishing.reset());
afterAll(async () => {
  publishing.restore();
  await table.close();
});

const invoke = (event: SNSEvent) => handler(event, lambdaContext('reserveInventory'));
const stockOf = async (sku: string) =>
  (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'CATALOG', sk: sku }, ConsistentRead: true }))).Item?.stock as number;

async function paid(order: Order): Promise<void> {
  const placed = (await orders.create(order)).order;
  await ledger.beginAttempt(order.orderId);
  await ledger.write(ledger.captureWrite(order.orderId, `charge-${order.orderId}`));
  await orders.transition(placed, 'PAID', new Date('2026-11-22T10:00:01.250Z'));
}

/** The sample OrderPaid notification, about another order. */
function orderPaidFor(orderId: string): SNSEvent {
  const event = fixture<SNSEvent>('reserveInventory');
  event.Records[0].Sns.Message = JSON.stringify({ ...JSON.parse(event.Records[0].Sns.Message), orderId });
  return event;
}

const order = (orderId: string, items: OrderItem[]) => pendingOrder({ orderId, items });

describe('reserveInventory (SNS OrderPaid)', () => {
  it('reserves the stock of the sample order, and confirms it; it only writes the table (the outbox publishes OrderConfirmed)', async () => {
    await paid(sampleOrder({ orderId: SAMPLE.paidOrderId }));
    const [sku1, sku3] = [await stockOf('SKU-1'), await stockOf('SKU-3')];

    await invoke(fixture('reserveInventory'));

    await expect(orders.get(SAMPLE.paidOrderId)).resolves.toMatchObject({ status: 'CONFIRMED', version: 3 });
    expect([await stockOf('SKU-1'), await stockOf('SKU-3')]).toEqual([sku1 - 2, sku3 - 1]);
    expect(publishing.calls()).toBe(0);
  });

  it('takes no stock on a redelivery of the same event', async () => {
    const before = [await stockOf('SKU-1'), await stockOf('SKU-3')];

    await invoke(fixture('reserveInventory'));

    expect([await stockOf('SKU-1'), await stockOf('SKU-3')]).toEqual(before);
    await expect(orders.get(SAMPLE.paidOrderId)).resolves.toMatchObject({ status: 'CONFIRMED', version: 3 });
  });

  it('cancels and refunds an order of SKU-OOS', async () => {
    await paid(order('oos-order', [{ sku: 'SKU-OOS', quantity: 1, unitPriceCents: 8900 }]));

    await invoke(orderPaidFor('oos-order'));

    await expect(orders.get('oos-order')).resolves.toMatchObject({ status: 'CANCELLED' });
    await expect(ledger.get('oos-order')).resolves.toMatchObject({ status: 'REFUNDED', charges: 1 });
    expect(await stockOf('SKU-OOS')).toBe(0);
    expect(publishing.calls()).toBe(0);
  });

  it('gives back the stock it took when another item of the order is short', async () => {
    await paid(
      order('short-order', [
        { sku: 'SKU-2', quantity: 4, unitPriceCents: 3450 },
        { sku: 'SKU-OOS', quantity: 1, unitPriceCents: 8900 },
      ]),
    );
    const before = await stockOf('SKU-2');

    await invoke(orderPaidFor('short-order'));

    expect(await stockOf('SKU-2')).toBe(before);
    await expect(orders.get('short-order')).resolves.toMatchObject({ status: 'CANCELLED' });
  });

  it('throws on a malformed message, so Lambda retries it and then sends it to the on-failure destination', async () => {
    await expect(invoke(fixture('reserveInventory.malformed'))).rejects.toThrow('Malformed order event: orderId');
  });

  it('throws on a message that is not JSON', async () => {
    const event = fixture<SNSEvent>('reserveInventory');
    event.Records[0].Sns.Message = 'OrderPaid 3f1c9a52';

    await expect(invoke(event)).rejects.toThrow('Malformed order event: not JSON');
  });

  it('throws for an order that does not exist', async () => {
    await expect(invoke(orderPaidFor('00000000-0000-4000-8000-000000000000'))).rejects.toThrow('does not exist');
  });

  it('takes the stock once when the same event is delivered twice at once', async () => {
    await paid(order('twin-order', [{ sku: 'SKU-2', quantity: 1, unitPriceCents: 3450 }]));
    const before = await stockOf('SKU-2');

    await Promise.all([invoke(orderPaidFor('twin-order')), invoke(orderPaidFor('twin-order'))]);

    expect(await stockOf('SKU-2')).toBe(before - 1);
    await expect(orders.get('twin-order')).resolves.toMatchObject({ status: 'CONFIRMED', version: 3 });
  });
});
