import type * as CreateOrderModule from '../../../handlers/create-order';
import type { OrderStore } from '../../../lib/orders/order-store';
import { countItems, isOrderItem, seedCatalog, startDynalite, type TestTable } from '../../support/dynalite';
import { expectErrorShape, httpEvent, invokeHttp, SAMPLE } from '../../support/events';
import { lambdaContext } from '../../support/lambda-context';
import { stubOrderEventPublishing } from '../../support/order-events';
import { sampleOrder } from '../../support/fakes';

const publishing = stubOrderEventPublishing();
let table: TestTable;
let handler: typeof CreateOrderModule.handler;
let orders: OrderStore;

beforeAll(async () => {
  table = await startDynalite();
  await seedCatalog(table);
  ({ handler } = await import('../../../handlers/create-order'));
  orders = (await import('../../../lib/orders/order-store')).orderStore(table.tableName);
});
beforeEach(() => publishing.reset());
afterAll(async () => {
  publishing.restore();
  await table.close();
});

const context = lambdaContext('createOrder');
const post = (event = httpEvent('createOrder')) => invokeHttp(handler, event, context);
const withBody = (body: unknown, headers: Record<string, string | undefined> = {}) =>
  httpEvent('createOrder', { body, headers: { 'idempotency-key': undefined, ...headers } });
const orderCount = () => countItems(table, isOrderItem);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('POST /orders (createOrder)', () => {
  it('answers 202 with the order id and a Location, and stores the priced order for the caller', async () => {
    const answer = await post();

    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ orderId: expect.stringMatching(UUID), status: 'PENDING' });
    expect(answer.headers).toMatchObject({
      'content-type': 'application/json',
      location: `/orders/${answer.body.orderId}`,
      'x-correlation-id': SAMPLE.correlationId,
    });
    await expect(orders.get(answer.body.orderId)).resolves.toMatchObject({
      customerId: SAMPLE.customerId,
      status: 'PENDING',
      items: sampleOrder().items,
      totalCents: sampleOrder().totalCents,
      currency: 'EUR',
      paymentToken: 'tok_visa',
      correlationId: SAMPLE.correlationId,
    });
  });

  it('only writes the table: OrderPlaced is published from its stream (the outbox), not by this function', async () => {
    const answer = await post(withBody({ items: [{ sku: 'SKU-2', quantity: 1 }], paymentToken: 'tok_visa' }, { 'x-correlation-id': 'corr-publish' }));

    expect(answer.status).toBe(202);
    await expect(orders.get(answer.body.orderId)).resolves.toMatchObject({ status: 'PENDING', version: 1, correlationId: 'corr-publish' });
    expect(publishing.calls()).toBe(0);
  });

  it('mints a correlation id when the caller sends none, and answers and stores it', async () => {
    const event = withBody({ items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_visa' }, { 'x-correlation-id': undefined });

    const answer = await post(event);

    expect(answer.headers['x-correlation-id']).toMatch(UUID);
    await expect(orders.get(answer.body.orderId)).resolves.toMatchObject({ correlationId: answer.headers['x-correlation-id'] });
  });

  it('returns the same order for a repeat with the same Idempotency-Key and body, and creates nothing', async () => {
    const first = await post(withBody({ items: [{ sku: 'SKU-4', quantity: 1 }], paymentToken: 'tok_visa' }, { 'idempotency-key': 'replay-key' }));
    const before = await orderCount();

    const repeat = await post(withBody({ items: [{ sku: 'SKU-4', quantity: 1 }], paymentToken: 'tok_visa' }, { 'idempotency-key': 'replay-key' }));

    expect(repeat.status).toBe(202);
    expect(repeat.body).toEqual(first.body);
    expect(repeat.headers.location).toBe(first.headers.location);
    expect(await orderCount()).toBe(before);
  });

  it('answers 409 IDEMPOTENCY_CONFLICT for the same Idempotency-Key with another body', async () => {
    await post(withBody({ items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_visa' }, { 'idempotency-key': 'conflict-key' }));
    const before = await orderCount();

    const answer = await post(withBody({ items: [{ sku: 'SKU-1', quantity: 2 }], paymentToken: 'tok_visa' }, { 'idempotency-key': 'conflict-key' }));

    expectErrorShape(answer, 409, 'IDEMPOTENCY_CONFLICT');
    expect(answer.body.error.details).toEqual([]);
    expect(await orderCount()).toBe(before);
  });

  it('accepts a base64-encoded body', async () => {
    const answer = await post(httpEvent('createOrder.base64'));

    expect(answer.status).toBe(202);
    await expect(orders.get(answer.body.orderId)).resolves.toMatchObject({ items: [{ sku: 'SKU-2', quantity: 1 }], paymentToken: 'tok_flaky_2' });
  });

  it('answers 400 INVALID_JSON for a body that is not JSON', async () => {
    const answer = await post(httpEvent('createOrder.invalid-json'));

    expectErrorShape(answer, 400, 'INVALID_JSON');
    expect(answer.body.error.details).toEqual([]);
  });

  it.each(['', '   ', '{"items":', 'items=1', '\u0000'])('answers 400 INVALID_JSON for the body %p', async (body) => {
    expectErrorShape(await post(withBody(body)), 400, 'INVALID_JSON');
  });

  it('answers 400 INVALID_JSON for a base64 body that decodes to no JSON', async () => {
    expectErrorShape(await post(httpEvent('createOrder', { body: 'not json', base64: true })), 400, 'INVALID_JSON');
  });

  it('answers 400 VALIDATION_FAILED with one detail per bad field', async () => {
    const answer = await post(httpEvent('createOrder.validation-failed'));

    expectErrorShape(answer, 400, 'VALIDATION_FAILED');
    expect(answer.body.error.details).toEqual([
      { field: 'items.0.quantity', message: 'must be at least 1' },
      { field: 'items.1.sku', message: 'must be a SKU such as "SKU-1"' },
      { field: 'items.1.quantity', message: 'must be a whole number' },
      { field: 'paymentToken', message: 'must be tok_visa, tok_declined or tok_flaky_<n>' },
      { field: 'coupon', message: 'is not a known field' },
    ]);
  });

  it('answers 400 VALIDATION_FAILED naming the missing fields', async () => {
    const answer = await post(withBody({}));

    expectErrorShape(answer, 400, 'VALIDATION_FAILED');
    expect(answer.body.error.details).toEqual([
      { field: 'items', message: 'is required' },
      { field: 'paymentToken', message: 'is required' },
    ]);
  });

  it('answers 400 VALIDATION_FAILED for a bad Idempotency-Key', async () => {
    const answer = await post(httpEvent('createOrder', { headers: { 'idempotency-key': 'k'.repeat(129) } }));

    expectErrorShape(answer, 400, 'VALIDATION_FAILED');
    expect(answer.body.error.details).toEqual([{ field: 'Idempotency-Key', message: 'must be 1 to 128 visible ASCII characters' }]);
  });

  it('answers 422 UNKNOWN_SKU naming the unknown SKUs, and creates nothing', async () => {
    const before = await orderCount();

    const answer = await post(httpEvent('createOrder.unknown-sku'));

    expectErrorShape(answer, 422, 'UNKNOWN_SKU');
    expect(answer.body.error.details).toEqual([{ sku: 'SKU-404', message: 'unknown SKU' }]);
    expect(await orderCount()).toBe(before);
    expect(publishing.calls()).toBe(0);
  });

  it('accepts an order of the product that is out of stock (stock is reserved after payment)', async () => {
    expect((await post(httpEvent('createOrder.out-of-stock'))).status).toBe(202);
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE for a form body', async () => {
    expectErrorShape(await post(httpEvent('createOrder.unsupported-media-type')), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE when the content type is missing', async () => {
    expectErrorShape(await post(httpEvent('createOrder', { headers: { 'content-type': undefined } })), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('takes a content type with a charset, in any case', async () => {
    expect(
      (await post(httpEvent('createOrder', { headers: { 'content-type': 'Application/JSON; charset=UTF-8', 'idempotency-key': undefined } }))).status,
    ).toBe(202);
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over 64 KiB, whatever it holds', async () => {
    const big = JSON.stringify({ items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_visa', note: 'x'.repeat(64 * 1024) });

    const answer = await post(withBody(big));

    expectErrorShape(answer, 413, 'PAYLOAD_TOO_LARGE');
    expect(answer.body.error.message).toBe('The request body exceeds 65536 bytes.');
  });

  it('answers 413 for a base64 body that decodes to over 64 KiB', async () => {
    expectErrorShape(await post(httpEvent('createOrder', { body: ' '.repeat(64 * 1024 + 1), base64: true })), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('reads a body of exactly 64 KiB', async () => {
    const base = JSON.stringify({ items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_visa' });
    const exact = base + ' '.repeat(64 * 1024 - base.length);

    expect((await post(withBody(exact))).status).toBe(202);
  });

  it.each([
    ['null', 'null'],
    ['an array', '[]'],
    ['a string', '"order"'],
    ['a number', '42'],
    ['null items', '{"items":null,"paymentToken":"tok_visa"}'],
    ['null item', '{"items":[null],"paymentToken":"tok_visa"}'],
    ['a nested array', '{"items":[[[[[[[[[[]]]]]]]]]],"paymentToken":"tok_visa"}'],
    ['__proto__', '{"__proto__":{"isAdmin":true},"items":[{"sku":"SKU-1","quantity":1}],"paymentToken":"tok_visa"}'],
    ['a constructor key', '{"constructor":{"prototype":{}},"items":[{"sku":"SKU-1","quantity":1}],"paymentToken":"tok_visa"}'],
    ['a huge quantity', '{"items":[{"sku":"SKU-1","quantity":1e308}],"paymentToken":"tok_visa"}'],
    ['a negative zero', '{"items":[{"sku":"SKU-1","quantity":-0}],"paymentToken":"tok_visa"}'],
    ['many empty items', `{"items":[${Array(5000).fill('{}').join(',')}],"paymentToken":"tok_visa"}`],
  ])('answers bad input (%s) with 400, never 500', async (_label, body) => {
    const answer = await post(withBody(body));

    expectErrorShape(answer, 400, 'VALIDATION_FAILED');
  });

  it('answers 500 without leaking the cause when the table fails, and a retry with the same key stores the order', async () => {
    // Arrange
    const { dynamo } = await import('../../../lib/aws/dynamodb');
    const send = jest
      .spyOn(dynamo, 'send')
      .mockRejectedValueOnce(new Error('ThrottlingException: arn:aws:dynamodb:us-east-1:000000000000 secret-detail') as never);
    const event = () => withBody({ items: [{ sku: 'SKU-3', quantity: 7 }], paymentToken: 'tok_visa' }, { 'idempotency-key': 'retry-after-500' });

    // Act
    const failed = await post(event());
    const retried = await post(event());
    send.mockRestore();

    // Assert
    expectErrorShape(failed, 500, 'INTERNAL_ERROR');
    expect(JSON.stringify(failed.body)).not.toMatch(/Throttling|secret-detail|arn:aws/);
    expect(retried.status).toBe(202);
    await expect(orders.get(retried.body.orderId)).resolves.toMatchObject({
      status: 'PENDING',
      items: [expect.objectContaining({ sku: 'SKU-3', quantity: 7 })],
    });
  });

  it('refuses a body that names a customer: the customer is the one the authorizer vouched for', async () => {
    const answer = await post(withBody({ items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_visa', customerId: 'someone-else' }));

    expectErrorShape(answer, 400, 'VALIDATION_FAILED');
    expect(answer.body.error.details).toEqual([{ field: 'customerId', message: 'is not a known field' }]);
  });
});
