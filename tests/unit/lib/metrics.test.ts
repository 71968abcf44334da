import type { OrderStore } from '../../../lib/orders/order-store';
import type * as MetricsModule from '../../../lib/metrics';
import { startDynalite, type TestTable } from '../../support/dynalite';
import { pendingOrder } from '../../support/fakes';

/** The EMF lines Powertools Metrics writes to stdout, parsed. */
function captureEmf() {
  const lines: Record<string, unknown>[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = String(chunk);
    if (text.includes('"_aws"')) lines.push(JSON.parse(text) as Record<string, unknown>);
    return true;
  });
  return { lines, restore: () => write.mockRestore() };
}

let table: TestTable;
let orders: OrderStore;
let lib: typeof MetricsModule;

beforeAll(async () => {
  table = await startDynalite();
  lib = await import('../../../lib/metrics');
  orders = lib.countingOrderChanges((await import('../../../lib/orders/order-store')).orderStore(table.tableName));
});
afterAll(() => table.close());

async function publishedCounts(act: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const emf = captureEmf();
  try {
    await act();
    await lib.publishMetrics().after!({} as never);
  } finally {
    emf.restore();
  }
  return emf.lines;
}

describe('countingOrderChanges', () => {
  test('counts an order placed once, not the replay of its idempotency key', async () => {
    const order = pendingOrder({ orderId: 'metrics-placed-1' });
    const claim = { key: 'metrics-key-1', requestHash: 'h1' };

    const lines = await publishedCounts(async () => {
      await orders.create(order, claim);
      await orders.create({ ...order, orderId: 'metrics-placed-2' }, claim);
    });

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ OrdersPlaced: 1, service: 'orderflow' });
    expect(lines[0]._aws).toMatchObject({
      CloudWatchMetrics: [{ Namespace: 'orderflow', Dimensions: [['service']], Metrics: [{ Name: 'OrdersPlaced', Unit: 'Count' }] }],
    });
  });

  test('counts a payment declined and an order cancelled when the write happened, not when it was already done', async () => {
    const declined = pendingOrder({ orderId: 'metrics-declined' });
    const cancelled = pendingOrder({ orderId: 'metrics-cancelled' });
    await orders.create(declined);
    await orders.create(cancelled);
    await lib.publishMetrics().after!({} as never); // what creating them counted is not under test here

    const lines = await publishedCounts(async () => {
      await orders.transition(declined, 'PAYMENT_FAILED', new Date());
      await orders.transition(declined, 'PAYMENT_FAILED', new Date()); // a redelivery: no change
      const paid = await orders.transition(cancelled, 'PAID', new Date());
      await orders.transition(paid.order, 'CANCELLED', new Date());
    });

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ PaymentsDeclined: 1, OrdersCancelled: 1 });
    expect(lines[0]).not.toHaveProperty('OrdersPlaced');
  });

  test('counts the moves made with their effect in one transaction (decline, refund), once', async () => {
    const ledger = (await import('../../../lib/payments/ledger')).paymentLedger(table.tableName);
    const declined = pendingOrder({ orderId: 'metrics-declined-with' });
    const cancelled = pendingOrder({ orderId: 'metrics-cancelled-with' });
    await orders.create(declined);
    await orders.create(cancelled);
    await ledger.beginAttempt(declined.orderId);
    await ledger.beginAttempt(cancelled.orderId);
    await lib.publishMetrics().after!({} as never);

    const lines = await publishedCounts(async () => {
      await orders.transitionWith(declined, 'PAYMENT_FAILED', new Date(), ledger.declineWrite(declined.orderId));
      await orders.transitionWith(declined, 'PAYMENT_FAILED', new Date(), ledger.declineWrite(declined.orderId)); // moved on already
      const paid = await orders.transitionWith(cancelled, 'PAID', new Date(), ledger.captureWrite(cancelled.orderId, 'charge-1'));
      if (paid.outcome !== 'CHANGED') throw new Error('the order was not paid');
      await orders.transitionWith(paid.order, 'CANCELLED', new Date(), ledger.refundWrite(cancelled.orderId));
    });

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ PaymentsDeclined: 1, OrdersCancelled: 1 });
  });

  test('an invocation that counted nothing writes nothing', async () => {
    expect(await publishedCounts(async () => orders.get('metrics-placed-1'))).toEqual([]);
  });
});
