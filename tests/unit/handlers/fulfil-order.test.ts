import type { EventBridgeEvent } from 'aws-lambda';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type * as FulfilOrderModule from '../../../handlers/fulfil-order';
import type { Order, OrderStatus } from '../../../lib/orders/order';
import type { OrderStore } from '../../../lib/orders/order-store';
import { startDynalite, type TestTable } from '../../support/dynalite';
import { fixture, SAMPLE } from '../../support/events';
import { sampleOrder, storeThrough } from '../../support/fakes';
import { lambdaContext } from '../../support/lambda-context';

type Event = EventBridgeEvent<string, Record<string, unknown>>;

let table: TestTable;
let handler: typeof FulfilOrderModule.handler;
let orders: OrderStore;

beforeAll(async () => {
  table = await startDynalite();
  ({ handler } = await import('../../../handlers/fulfil-order'));
  orders = (await import('../../../lib/orders/order-store')).orderStore(table.tableName);
  await storeIn(sampleOrder({ orderId: SAMPLE.confirmedOrderId }), ['PAID', 'CONFIRMED']);
});
afterAll(() => table.close());

const storeIn = (order: Order, path: OrderStatus[]) => storeThrough(orders, order, path);

const invoke = (event: Event) => handler(event, lambdaContext('fulfilOrder'));
const fulfilment = async (orderId: string) =>
  (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: `ORDER#${orderId}`, sk: 'FULFILMENT' }, ConsistentRead: true }))).Item;

describe('fulfilOrder (EventBridge OrderConfirmed)', () => {
  it('ships the sample order and returns the shipment, the responsePayload of its success record', async () => {
    const result = await invoke(fixture('fulfilOrder'));

    expect(result).toEqual({
      orderId: SAMPLE.confirmedOrderId,
      customerId: SAMPLE.customerId,
      correlationId: SAMPLE.correlationId,
      status: 'SHIPPED',
      carrier: 'DHL',
      trackingId: 'DHL-140994130121',
      at: expect.any(String),
    });
    expect(await fulfilment(SAMPLE.confirmedOrderId)).toMatchObject({ status: 'SHIPPED', carrier: 'DHL', trackingId: 'DHL-140994130121', at: result.at });
  });

  it('returns the same result when the event is delivered again', async () => {
    const first = await fulfilment(SAMPLE.confirmedOrderId);

    const again = await invoke(fixture('fulfilOrder'));

    expect(again).toMatchObject({ trackingId: first?.trackingId, at: first?.at });
    expect(await fulfilment(SAMPLE.confirmedOrderId)).toEqual(first);
  });

  it('throws on a malformed event, naming every bad field, so that it ends in the on-failure destination', async () => {
    await expect(invoke(fixture('fulfilOrder.malformed'))).rejects.toThrow('Malformed order event: detail.status, detail.totalCents, detail.correlationId');
  });

  it('throws on an event of another type or source', async () => {
    const other = fixture<Event>('fulfilOrder');
    other['detail-type'] = 'OrderCancelled';
    other.source = 'somebody-else';

    await expect(invoke(other)).rejects.toThrow('Malformed order event: source, detail-type');
  });
});
