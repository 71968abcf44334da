import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type * as FulfilOrderModule from '../../../../lib/fulfilment/fulfil-order';
import type { FulfilDeps } from '../../../../lib/fulfilment/fulfil-order';
import type { Order, OrderStatus } from '../../../../lib/orders/order';
import type { OrderStore } from '../../../../lib/orders/order-store';
import { countItems, startDynalite, type TestTable } from '../../../support/dynalite';
import { manualClock, pendingOrder } from '../../../support/fakes';

let table: TestTable;
let orders: OrderStore;
let deps: FulfilDeps;
let fulfil: typeof FulfilOrderModule;
const clock = manualClock('2026-11-22T10:00:03.000Z');

beforeAll(async () => {
  table = await startDynalite();
  fulfil = await import('../../../../lib/fulfilment/fulfil-order');
  orders = (await import('../../../../lib/orders/order-store')).orderStore(table.tableName);
  const { fulfilmentStore } = await import('../../../../lib/fulfilment/fulfilment-store');
  deps = { orders, fulfilments: fulfilmentStore(table.tableName), clock };
});
afterAll(() => table.close());

async function stored(orderId: string, skus: string[] = ['SKU-1'], path: OrderStatus[] = ['PAID', 'CONFIRMED']): Promise<Order> {
  let order = (await orders.create(pendingOrder({ orderId, items: skus.map((sku) => ({ sku, quantity: 1, unitPriceCents: 100 })) }))).order;
  for (const status of path) order = (await orders.transition(order, status, new Date('2026-11-22T10:00:02.000Z'))).order;
  return order;
}

const fulfilmentItem = async (orderId: string) =>
  (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: `ORDER#${orderId}`, sk: 'FULFILMENT' }, ConsistentRead: true }))).Item;

describe('fulfilOrder', () => {
  it('books a confirmed order with its carrier and records the shipment as its own item', async () => {
    await stored('ship-1');

    const shipped = await fulfil.fulfilOrder(deps, 'ship-1');

    const expected = {
      orderId: 'ship-1',
      customerId: '8d2f4b1e-6c3a-4f7d-9b2e-1a5c3e7f9d01',
      correlationId: 'b7e4c2a9-5d3f-4e1b-8a6c-2f9d0e1b3c40',
      status: 'SHIPPED',
      carrier: 'DPD',
      trackingId: 'DPD-113950021399',
      at: '2026-11-22T10:00:03.000Z',
    };
    expect(shipped).toEqual(expected);
    expect(await fulfilmentItem('ship-1')).toEqual({ pk: 'ORDER#ship-1', sk: 'FULFILMENT', ...expected });
  });

  it('returns the recorded shipment on a redelivery and books nothing again', async () => {
    await stored('ship-2');
    const first = await fulfil.fulfilOrder(deps, 'ship-2');
    const items = await countItems(table, () => true);
    clock.advance(60_000);

    const again = await Promise.all([fulfil.fulfilOrder(deps, 'ship-2'), fulfil.fulfilOrder(deps, 'ship-2')]);

    expect(again).toEqual([first, first]);
    expect(await countItems(table, () => true)).toBe(items);
  });

  it('records one shipment when two deliveries book at once', async () => {
    await stored('ship-3');

    const [a, b] = await Promise.all([fulfil.fulfilOrder(deps, 'ship-3'), fulfil.fulfilOrder(deps, 'ship-3')]);

    expect(a).toEqual(b);
    expect(await fulfilmentItem('ship-3')).toMatchObject({ at: a.at, trackingId: a.trackingId });
  });

  it('fails transiently while the carrier is busy (SKU-FRAGILE), then ships on the third attempt', async () => {
    await stored('ship-fragile', ['SKU-FRAGILE']);

    await expect(fulfil.fulfilOrder(deps, 'ship-fragile')).rejects.toThrow(/The carrier is busy \(booking request 1/);
    await expect(fulfil.fulfilOrder(deps, 'ship-fragile')).rejects.toMatchObject({ name: 'TransientError' });
    expect(await fulfilmentItem('ship-fragile')).toBeUndefined();

    expect(await fulfil.fulfilOrder(deps, 'ship-fragile')).toMatchObject({ orderId: 'ship-fragile', status: 'SHIPPED' });
    expect(await fulfilmentItem('ship-fragile')).toMatchObject({ status: 'SHIPPED' });
  });

  it('fails for good when the carrier refuses the parcel (SKU-HAZMAT), recording nothing', async () => {
    await stored('ship-hazmat', ['SKU-1', 'SKU-HAZMAT']);

    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(fulfil.fulfilOrder(deps, 'ship-hazmat')).rejects.toThrow(
        new fulfil.ShipmentRefusedError('ship-hazmat', 'no carrier takes SKU-HAZMAT (hazardous goods)'),
      );
    }
    expect(await fulfilmentItem('ship-hazmat')).toBeUndefined();
  });

  it.each([
    ['PAID', ['PAID']],
    ['CANCELLED', ['PAID', 'CANCELLED']],
  ] as [string, OrderStatus[]][])('ships nothing for an order that is %s', async (status, path) => {
    await stored(`ship-${status}`, ['SKU-1'], path);

    await expect(fulfil.fulfilOrder(deps, `ship-${status}`)).rejects.toThrow(`Order ship-${status} is ${status}, not CONFIRMED: nothing to ship`);
    expect(await fulfilmentItem(`ship-${status}`)).toBeUndefined();
  });

  it('ships nothing for an order that does not exist', async () => {
    await expect(fulfil.fulfilOrder(deps, 'ship-nowhere')).rejects.toThrow(new fulfil.NotConfirmedError('ship-nowhere', undefined));
  });
});
