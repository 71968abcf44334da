import type { ProcessPaymentDeps } from '../../../../lib/payments/process-payment';
import type * as ProcessPaymentModule from '../../../../lib/payments/process-payment';
import type { OrderStore } from '../../../../lib/orders/order-store';
import type { PaymentLedger } from '../../../../lib/payments/ledger';
import { TransientError } from '../../../../lib/errors';
import { startDynalite, type TestTable } from '../../../support/dynalite';
import { pendingOrder, sequentialIds } from '../../../support/fakes';

let table: TestTable;
let processPayment: typeof ProcessPaymentModule.processPayment;
let orders: OrderStore;
let ledger: PaymentLedger;
const newId = sequentialIds('charge');

beforeAll(async () => {
  table = await startDynalite();
  ({ processPayment } = await import('../../../../lib/payments/process-payment'));
  orders = (await import('../../../../lib/orders/order-store')).orderStore(table.tableName);
  ledger = (await import('../../../../lib/payments/ledger')).paymentLedger(table.tableName);
});
afterAll(() => table.close());

const PAID_AT = new Date('2026-11-22T10:00:01.250Z');
const makeDeps = (): ProcessPaymentDeps => ({
  orders,
  ledger,
  clock: () => PAID_AT,
  newId,
});
const placed = async (orderId: string, paymentToken = 'tok_visa') => (await orders.create(pendingOrder({ orderId, paymentToken }))).order;

describe('processPayment', () => {
  it('charges tok_visa once, moves the order to PAID', async () => {
    await placed('pay-visa');
    const deps = makeDeps();

    const order = await processPayment(deps, 'pay-visa');

    expect(order).toMatchObject({ status: 'PAID', version: 2 });
    expect(order.history.at(-1)).toEqual({ status: 'PAID', at: '2026-11-22T10:00:01.250Z' });
    await expect(ledger.get('pay-visa')).resolves.toMatchObject({ status: 'CHARGED', attempts: 1, charges: 1, chargeId: expect.stringMatching(/^charge-/) });
  });

  it('declines tok_declined for good: PAYMENT_FAILED, nothing charged, no retry', async () => {
    await placed('pay-declined', 'tok_declined');
    const deps = makeDeps();

    const order = await processPayment(deps, 'pay-declined');

    expect(order.status).toBe('PAYMENT_FAILED');
    await expect(ledger.get('pay-declined')).resolves.toEqual({ status: 'DECLINED', attempts: 1, charges: 0 });
  });

  it('throws TransientError for tok_flaky_2 twice, then charges on the third delivery', async () => {
    await placed('pay-flaky', 'tok_flaky_2');
    const deps = makeDeps();

    await expect(processPayment(deps, 'pay-flaky')).rejects.toBeInstanceOf(TransientError);
    await expect(processPayment(deps, 'pay-flaky')).rejects.toBeInstanceOf(TransientError);
    const order = await processPayment(deps, 'pay-flaky');

    expect(order.status).toBe('PAID');
    await expect(ledger.get('pay-flaky')).resolves.toMatchObject({ status: 'CHARGED', attempts: 3, charges: 1 });
    await expect(orders.get('pay-flaky')).resolves.toMatchObject({ status: 'PAID' });
  });

  it('leaves the order PENDING while the gateway fails transiently', async () => {
    await placed('pay-flaky-pending', 'tok_flaky_1');

    await expect(processPayment(makeDeps(), 'pay-flaky-pending')).rejects.toThrow('Payment gateway unavailable (attempt 1)');
    await expect(orders.get('pay-flaky-pending')).resolves.toMatchObject({ status: 'PENDING', version: 1 });
  });

  it('charges nothing more on a redelivery and leaves the order as it is', async () => {
    await placed('pay-redelivered');
    await processPayment(makeDeps(), 'pay-redelivered');
    const deps = makeDeps();

    const order = await processPayment(deps, 'pay-redelivered');

    expect(order).toMatchObject({ status: 'PAID', version: 2 });
    await expect(ledger.get('pay-redelivered')).resolves.toMatchObject({ attempts: 1, charges: 1 });
  });

  it('leaves a declined order as it is on redelivery, without another attempt', async () => {
    await placed('pay-declined-again', 'tok_declined');
    await processPayment(makeDeps(), 'pay-declined-again');
    const deps = makeDeps();

    await processPayment(deps, 'pay-declined-again');

    await expect(ledger.get('pay-declined-again')).resolves.toMatchObject({ attempts: 1, charges: 0 });
  });

  it('charges at most once when the same message is processed concurrently', async () => {
    await placed('pay-concurrent');
    const deps = makeDeps();

    const results = await Promise.allSettled(Array.from({ length: 5 }, () => processPayment(deps, 'pay-concurrent')));

    expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
    await expect(ledger.get('pay-concurrent')).resolves.toMatchObject({ status: 'CHARGED', charges: 1 });
    await expect(orders.get('pay-concurrent')).resolves.toMatchObject({ status: 'PAID', version: 2 });
  });

  it('finishes an earlier run that captured but stopped before moving the order', async () => {
    await placed('pay-resume');
    await ledger.beginAttempt('pay-resume');
    await ledger.write(ledger.captureWrite('pay-resume', 'charge-earlier'));
    const deps = makeDeps();

    const order = await processPayment(deps, 'pay-resume');

    expect(order.status).toBe('PAID');
    await expect(ledger.get('pay-resume')).resolves.toMatchObject({ charges: 1, chargeId: 'charge-earlier' });
  });

  it('charges nothing for an order that expired before its payment ran', async () => {
    const order = await placed('pay-expired');
    await orders.transition(order, 'EXPIRED', new Date('2026-11-22T10:20:00.000Z'));
    const deps = makeDeps();

    const result = await processPayment(deps, 'pay-expired');

    expect(result.status).toBe('EXPIRED');
    await expect(ledger.get('pay-expired')).resolves.toEqual({ status: 'NONE', attempts: 0, charges: 0 });
  });

  it('charges nothing when the order expires while it is being charged: charge and move are one transaction', async () => {
    // Arrange: the payment reads the order while PENDING; the sweep expires it before the payment moves it.
    const seen = await placed('pay-expired-meanwhile');
    const deps = makeDeps();
    let reads = 0;
    deps.orders = {
      get: async (orderId) => {
        if (reads++ === 0) {
          await orders.transition(seen, 'EXPIRED', new Date('2026-11-22T10:20:00.000Z'));
          return seen;
        }
        return orders.get(orderId);
      },
      transition: orders.transition,
      transitionWith: orders.transitionWith,
    };

    // Act
    const result = await processPayment(deps, 'pay-expired-meanwhile');

    // Assert
    expect(result.status).toBe('EXPIRED');
    await expect(ledger.get('pay-expired-meanwhile')).resolves.toEqual({ status: 'NONE', attempts: 1, charges: 0 });
  });

  it('fails loudly for an order that does not exist', async () => {
    await expect(processPayment(makeDeps(), 'pay-missing')).rejects.toThrow('Order pay-missing does not exist');
  });
});
