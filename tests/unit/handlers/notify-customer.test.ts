import type { EventBridgeEvent, SNSEvent } from 'aws-lambda';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type * as NotifyCustomerModule from '../../../handlers/notify-customer';
import type { Order, OrderStatus } from '../../../lib/orders/order';
import type { OrderStore } from '../../../lib/orders/order-store';
import { countItems, startDynalite, type TestTable } from '../../support/dynalite';
import { fixture, SAMPLE } from '../../support/events';
import { pendingOrder, sampleOrder, storeThrough } from '../../support/fakes';
import { lambdaContext } from '../../support/lambda-context';

let table: TestTable;
let handler: typeof NotifyCustomerModule.handler;
let orders: OrderStore;

beforeAll(async () => {
  table = await startDynalite();
  ({ handler } = await import('../../../handlers/notify-customer'));
  orders = (await import('../../../lib/orders/order-store')).orderStore(table.tableName);
  await storeIn(sampleOrder({ orderId: SAMPLE.confirmedOrderId }), ['PAID', 'CONFIRMED']);
});
afterAll(() => table.close());

const storeIn = (order: Order, path: OrderStatus[]) => storeThrough(orders, order, path);

const invoke = (event: SNSEvent | EventBridgeEvent<string, unknown>) => handler(event, lambdaContext('notifyCustomer'));
const notification = async (orderId: string, status: string) =>
  (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: `ORDER#${orderId}`, sk: `NOTIFICATION#${status}` } }))).Item;
const notificationCount = () => countItems(table, (item) => String(item.sk).startsWith('NOTIFICATION#'));

function eventFor(orderId: string, eventType: string): SNSEvent {
  const event = fixture<SNSEvent>('notifyCustomer');
  const sns = event.Records[0].Sns;
  sns.Message = JSON.stringify({ ...JSON.parse(sns.Message), orderId, eventType });
  sns.MessageAttributes.eventType.Value = eventType;
  return event;
}

describe('notifyCustomer (SNS terminal order events)', () => {
  it('writes the confirmation e-mail of the sample order', async () => {
    await invoke(fixture('notifyCustomer'));

    expect(await notification(SAMPLE.confirmedOrderId, 'CONFIRMED')).toMatchObject({
      orderId: SAMPLE.confirmedOrderId,
      customerId: SAMPLE.customerId,
      status: 'CONFIRMED',
      subject: 'Your order is confirmed',
      body: `Your order is confirmed: order ${SAMPLE.confirmedOrderId}, 2 item(s), 55.97 EUR.`,
    });
  });

  it('writes it once however often the event is delivered', async () => {
    const before = await notificationCount();
    const first = await notification(SAMPLE.confirmedOrderId, 'CONFIRMED');

    await invoke(fixture('notifyCustomer'));
    await invoke(fixture('notifyCustomer'));

    expect(await notificationCount()).toBe(before);
    expect(await notification(SAMPLE.confirmedOrderId, 'CONFIRMED')).toEqual(first);
  });

  it.each([
    ['OrderPaymentFailed', ['PAYMENT_FAILED'], 'PAYMENT_FAILED', 'Your payment was declined'],
    ['OrderCancelled', ['PAID', 'CANCELLED'], 'CANCELLED', 'Your order was cancelled and refunded'],
    ['OrderExpired', ['EXPIRED'], 'EXPIRED', 'Your order expired before payment'],
  ] as [string, OrderStatus[], string, string][])('writes the e-mail for %s', async (eventType, path, status, subject) => {
    const orderId = `notify-${status.toLowerCase()}`;
    await storeIn(pendingOrder({ orderId }), path);

    await invoke(eventFor(orderId, eventType));

    expect(await notification(orderId, status)).toMatchObject({ status, subject });
  });

  it('writes nothing for an order that is not in a terminal status', async () => {
    await storeIn(pendingOrder({ orderId: 'notify-paid' }), ['PAID']);
    const before = await notificationCount();

    await invoke(eventFor('notify-paid', 'OrderConfirmed'));

    expect(await notificationCount()).toBe(before);
  });

  it('throws on a malformed message, so Lambda retries it and then sends it to the on-failure destination', async () => {
    await expect(invoke(fixture('notifyCustomer.malformed'))).rejects.toThrow('Malformed order event: not JSON');
  });

  it('throws for an order that does not exist', async () => {
    await expect(invoke(eventFor('00000000-0000-4000-8000-000000000000', 'OrderConfirmed'))).rejects.toThrow('does not exist');
  });
});

describe("notifyCustomer (fulfilOrder's success record on the integration bus)", () => {
  type ShippedEvent = EventBridgeEvent<string, { responsePayload: Record<string, unknown> }>;

  it('writes the shipped e-mail of the sample order, with its carrier and tracking id, once', async () => {
    await invoke(fixture('notifyCustomer.shipped'));
    const first = await notification(SAMPLE.confirmedOrderId, 'SHIPPED');
    await invoke(fixture('notifyCustomer.shipped'));

    expect(first).toMatchObject({
      orderId: SAMPLE.confirmedOrderId,
      customerId: SAMPLE.customerId,
      status: 'SHIPPED',
      subject: 'Your order has shipped',
      body: `Your order has shipped: order ${SAMPLE.confirmedOrderId}, 2 item(s), with DHL, tracking id DHL-140994130121.`,
    });
    expect(await notification(SAMPLE.confirmedOrderId, 'SHIPPED')).toEqual(first);
  });

  it('throws on a failure record or a payload that is not a shipment, naming the fields', async () => {
    const failure = fixture<ShippedEvent>('notifyCustomer.shipped');
    failure['detail-type'] = 'Lambda Function Invocation Result - Failure';
    const notShipped = fixture<ShippedEvent>('notifyCustomer.shipped');
    notShipped.detail.responsePayload = { ...notShipped.detail.responsePayload, status: 'CONFIRMED', trackingId: undefined };

    await expect(invoke(failure)).rejects.toThrow('Malformed order event: detail-type');
    await expect(invoke(notShipped)).rejects.toThrow('Malformed order event: detail.responsePayload.status, detail.responsePayload.trackingId');
  });
});
