import type { dynamo as DynamoClient } from '../../../lib/aws/dynamodb';
import type * as GetOrderModule from '../../../handlers/get-order';
import type { OrderStore } from '../../../lib/orders/order-store';
import type { PaymentLedger } from '../../../lib/payments/ledger';
import { startDynalite, type TestTable } from '../../support/dynalite';
import { expectErrorShape, httpEvent, invokeHttp, SAMPLE } from '../../support/events';
import { pendingOrder, sampleOrder } from '../../support/fakes';
import { lambdaContext } from '../../support/lambda-context';

const THEIR_ORDER = '7b1e0c4d-2f3a-4b5c-9d6e-8f7a6b5c4d01';
const UNPAID_ORDER = '7b1e0c4d-2f3a-4b5c-9d6e-8f7a6b5c4d02';
const NO_SUCH_ORDER = '7b1e0c4d-2f3a-4b5c-9d6e-8f7a6b5c4d03';

let table: TestTable;
let dynamo: typeof DynamoClient;
let handler: typeof GetOrderModule.handler;
let orders: OrderStore;
let ledger: PaymentLedger;

beforeAll(async () => {
  table = await startDynalite();
  ({ dynamo } = await import('../../../lib/aws/dynamodb'));
  ({ handler } = await import('../../../handlers/get-order'));
  orders = (await import('../../../lib/orders/order-store')).orderStore(table.tableName);
  ledger = (await import('../../../lib/payments/ledger')).paymentLedger(table.tableName);

  // The sample order, paid.
  const placed = (await orders.create(sampleOrder())).order;
  await ledger.beginAttempt(placed.orderId);
  await ledger.write(ledger.captureWrite(placed.orderId, 'a1b2c3d4-0000-4000-8000-00000000c4a9'));
  await orders.transition(placed, 'PAID', new Date('2026-11-22T10:00:01.250Z'));
  await orders.create(pendingOrder({ orderId: THEIR_ORDER, customerId: 'another-customer' }));
});
afterAll(() => table.close());
afterEach(() => jest.restoreAllMocks());

const get = (event = httpEvent('getOrder')) => invokeHttp(handler, event, lambdaContext('getOrder'));

describe('GET /orders/{orderId} (getOrder)', () => {
  it('answers 200 with the order as it stands, its payment and history, and nothing internal', async () => {
    const answer = await get();

    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({ 'content-type': 'application/json', 'x-correlation-id': SAMPLE.correlationId });
    expect(answer.body).toEqual({
      orderId: SAMPLE.orderId,
      customerId: SAMPLE.customerId,
      status: 'PAID',
      items: sampleOrder().items,
      totalCents: sampleOrder().totalCents,
      currency: 'EUR',
      payment: { status: 'CHARGED', attempts: 1, charges: 1, chargeId: 'a1b2c3d4-0000-4000-8000-00000000c4a9' },
      history: [
        { status: 'PENDING', at: '2026-11-22T10:00:00.000Z' },
        { status: 'PAID', at: '2026-11-22T10:00:01.250Z' },
      ],
      correlationId: SAMPLE.correlationId,
      fulfilment: null,
    });
  });

  it('shows the shipment of an order once fulfilOrder recorded it', async () => {
    const shippedId = '7b1e0c4d-2f3a-4b5c-9d6e-8f7a6b5c4d04';
    let order = (await orders.create(pendingOrder({ orderId: shippedId, customerId: SAMPLE.customerId }))).order;
    for (const status of ['PAID', 'CONFIRMED'] as const) order = (await orders.transition(order, status, new Date('2026-11-22T10:00:02.000Z'))).order;
    const { fulfilmentStore } = await import('../../../lib/fulfilment/fulfilment-store');
    const read = () => get(httpEvent('getOrder', { pathParameters: { orderId: shippedId } }));
    expect((await read()).body).toMatchObject({ status: 'CONFIRMED', fulfilment: null });

    await fulfilmentStore(table.tableName).record({
      orderId: shippedId,
      customerId: SAMPLE.customerId,
      correlationId: SAMPLE.correlationId,
      status: 'SHIPPED',
      carrier: 'UPS',
      trackingId: 'UPS-000000000042',
      at: '2026-11-22T10:00:03.000Z',
    });

    expect((await read()).body.fulfilment).toEqual({ status: 'SHIPPED', carrier: 'UPS', trackingId: 'UPS-000000000042', at: '2026-11-22T10:00:03.000Z' });
  });

  it('shows an order not yet charged with payment NONE', async () => {
    await orders.create(pendingOrder({ orderId: UNPAID_ORDER, customerId: SAMPLE.customerId }));

    const answer = await get(httpEvent('getOrder', { pathParameters: { orderId: UNPAID_ORDER } }));

    expect(answer.body).toMatchObject({ status: 'PENDING', payment: { status: 'NONE', attempts: 0, charges: 0 } });
    expect(answer.body.payment).not.toHaveProperty('chargeId');
  });

  it('answers 404 NOT_FOUND for an order that does not exist', async () => {
    const answer = await get(httpEvent('getOrder', { pathParameters: { orderId: '00000000-0000-4000-8000-000000000000' } }));

    expectErrorShape(answer, 404, 'NOT_FOUND');
    expect(answer.body.error).toEqual({ code: 'NOT_FOUND', message: 'Order was not found.', details: [] });
  });

  it("answers another customer's order exactly like a missing one", async () => {
    const theirs = await get(httpEvent('getOrder', { pathParameters: { orderId: THEIR_ORDER } }));
    const missing = await get(httpEvent('getOrder', { pathParameters: { orderId: NO_SUCH_ORDER } }));

    expectErrorShape(theirs, 404, 'NOT_FOUND');
    expect(theirs.body).toEqual(missing.body);
  });

  it('hides my order from another customer', async () => {
    const answer = await get(httpEvent('getOrder', { customerId: 'another-customer' }));

    expectErrorShape(answer, 404, 'NOT_FOUND');
  });

  it('answers 404 when the route carries no order id', async () => {
    const event = httpEvent('getOrder');
    delete event.pathParameters;

    expectErrorShape(await get(event), 404, 'NOT_FOUND');
  });

  it.each([
    ['longer than a DynamoDB key may be', 'a'.repeat(3000)],
    ['not shaped like a UUID', 'not-an-id'],
    ['a UUID with something after it', `${NO_SUCH_ORDER}/x`],
  ])('answers 404 NOT_FOUND, without reading the table, for an id %s', async (_label, id) => {
    const reads = jest.spyOn(dynamo, 'send');

    const answer = await get(httpEvent('getOrder', { pathParameters: { orderId: id } }));

    expectErrorShape(answer, 404, 'NOT_FOUND');
    expect(answer.body.error.message).toBe('Order was not found.');
    expect(reads).not.toHaveBeenCalled();
  });
});
