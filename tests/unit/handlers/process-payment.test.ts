import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type * as ProcessPaymentModule from '../../../handlers/process-payment';
import type { Order } from '../../../lib/orders/order';
import type { OrderStore } from '../../../lib/orders/order-store';
import type { PaymentLedger } from '../../../lib/payments/ledger';
import { startDynalite, type TestTable } from '../../support/dynalite';
import { fixture, SAMPLE } from '../../support/events';
import { pendingOrder, sampleOrder } from '../../support/fakes';
import { lambdaContext } from '../../support/lambda-context';
import { stubOrderEventPublishing } from '../../support/order-events';

const publishing = stubOrderEventPublishing();
let table: TestTable;
let handler: typeof ProcessPaymentModule.handler;
let orders: OrderStore;
let ledger: PaymentLedger;

beforeAll(async () => {
  table = await startDynalite();
  ({ handler } = await import('../../../handlers/process-payment'));
  orders = (await import('../../../lib/orders/order-store')).orderStore(table.tableName);
  ledger = (await import('../../../lib/payments/ledger')).paymentLedger(table.tableName);
});
beforeEach(async () => {
  publishing.reset();
  await placeAfresh(sampleOrder());
});
afterAll(async () => {
  publishing.restore();
  await table.close();
});

/** Stores the order as just placed, with no payment yet, whatever an earlier test did to it. */
async function placeAfresh(order: Order): Promise<void> {
  await table.doc.send(
    new PutCommand({ TableName: table.tableName, Item: { pk: `ORDER#${order.orderId}`, sk: 'ORDER', gsi1pk: 'PENDING', gsi1sk: order.createdAt, ...order } }),
  );
  await table.doc.send(new DeleteCommand({ TableName: table.tableName, Key: { pk: `ORDER#${order.orderId}`, sk: 'PAYMENT' } }));
}

/** An SQS record of the payments queue for an order, built on the sample event's first record. */
function recordFor(orderId: string, messageId: string): SQSRecord {
  const [record] = fixture<SQSEvent>('processPayment').Records;
  return { ...record, messageId, body: JSON.stringify({ ...JSON.parse(record.body), orderId }) };
}

const invoke = (event: SQSEvent) => handler(event, lambdaContext('processPayment'));

describe('processPayment (SQS payments queue)', () => {
  it('charges the order of the sample event and reports no failure; it only writes the table (the outbox publishes OrderPaid)', async () => {
    const response = await invoke(fixture('processPayment'));

    expect(response).toEqual({ batchItemFailures: [] });
    await expect(orders.get(SAMPLE.orderId)).resolves.toMatchObject({ status: 'PAID', version: 2 });
    await expect(ledger.get(SAMPLE.orderId)).resolves.toMatchObject({ status: 'CHARGED', charges: 1 });
    expect(publishing.calls()).toBe(0);
  });

  it('reports the malformed records of a batch and still processes the good one', async () => {
    const response = await invoke(fixture('processPayment.poison'));

    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: '5e2d8f4a-1b3c-4d6e-9f0a-7b8c9d0e1f22' }, { itemIdentifier: '5e2d8f4a-1b3c-4d6e-9f0a-7b8c9d0e1f23' }],
    });
    await expect(orders.get(SAMPLE.orderId)).resolves.toMatchObject({ status: 'PAID' });
  });

  it('fails the whole invocation when every record of the batch fails, so all of them return to the queue', async () => {
    const poison = fixture<SQSEvent>('processPayment.poison');
    const onlyBad = { Records: poison.Records.slice(1) };

    await expect(invoke(onlyBad)).rejects.toThrow();
    await expect(orders.get(SAMPLE.orderId)).resolves.toMatchObject({ status: 'PENDING', version: 1 });
  });

  it('reports a record whose order does not exist', async () => {
    const event = { Records: [recordFor(SAMPLE.orderId, 'msg-good'), recordFor('00000000-0000-4000-8000-000000000000', 'msg-missing')] };

    await expect(invoke(event)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-missing' }] });
  });

  it('reports tok_flaky_2 as failed twice, then charges it once', async () => {
    await placeAfresh(pendingOrder({ orderId: 'flaky-order', paymentToken: 'tok_flaky_2' }));
    const batch = () => ({ Records: [recordFor('flaky-order', 'msg-flaky'), recordFor(SAMPLE.orderId, `msg-visa-${Math.random()}`)] });

    const first = await invoke(batch());
    const second = await invoke(batch());
    const third = await invoke(batch());

    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-flaky' }] });
    expect(second).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-flaky' }] });
    expect(third).toEqual({ batchItemFailures: [] });
    await expect(ledger.get('flaky-order')).resolves.toMatchObject({ status: 'CHARGED', attempts: 3, charges: 1 });
    await expect(orders.get('flaky-order')).resolves.toMatchObject({ status: 'PAID' });
  });

  it('declines tok_declined without asking for a retry', async () => {
    await placeAfresh(pendingOrder({ orderId: 'declined-order', paymentToken: 'tok_declined' }));

    const response = await invoke({ Records: [recordFor('declined-order', 'msg-declined')] });

    expect(response).toEqual({ batchItemFailures: [] });
    await expect(orders.get('declined-order')).resolves.toMatchObject({ status: 'PAYMENT_FAILED' });
    await expect(ledger.get('declined-order')).resolves.toMatchObject({ status: 'DECLINED', charges: 0 });
  });

  it('charges once however often the message is delivered, in one batch or in several', async () => {
    const duplicates = { Records: [recordFor(SAMPLE.orderId, 'dup-1'), recordFor(SAMPLE.orderId, 'dup-2'), recordFor(SAMPLE.orderId, 'dup-3')] };

    const together = await invoke(duplicates);
    const again = await invoke(fixture('processPayment'));

    expect(together).toEqual({ batchItemFailures: [] });
    expect(again).toEqual({ batchItemFailures: [] });
    await expect(ledger.get(SAMPLE.orderId)).resolves.toMatchObject({ status: 'CHARGED', charges: 1 });
    await expect(orders.get(SAMPLE.orderId)).resolves.toMatchObject({ status: 'PAID', version: 2 });
  });
});
