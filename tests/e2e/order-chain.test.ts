import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { call, eventually, placeAndSettle, tokenFor } from './support/api';
import { dynamo, TABLE } from './support/aws';

jest.setTimeout(60_000);

const notification = (orderId: string, status: string) =>
  eventually(
    async () => (await dynamo.send(new GetCommand({ TableName: TABLE, Key: { pk: `ORDER#${orderId}`, sk: `NOTIFICATION#${status}` } }))).Item,
    `the ${status} notification of ${orderId}`,
  );

describe('the order chain, through the real HTTP API and triggers', () => {
  let token: string;
  beforeAll(async () => {
    token = await tokenFor(`e2e-${randomUUID()}`);
  });

  it('confirms a tok_visa order: charged once, stock reserved, customer notified', async () => {
    const order = await placeAndSettle(token, { items: [{ sku: 'SKU-1', quantity: 2 }], paymentToken: 'tok_visa' });

    expect(order.status).toBe('CONFIRMED');
    // attempts counts gateway calls: at-least-once delivery may add one, never a second charge.
    expect(order.payment).toMatchObject({ status: 'CHARGED', charges: 1 });
    expect(order.payment.attempts).toBeGreaterThanOrEqual(1);
    expect(order.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'PAID', 'CONFIRMED']);
    expect(order.totalCents).toBe(2 * 2499);
    expect(await notification(order.orderId, 'CONFIRMED')).toMatchObject({ customerId: order.customerId, subject: 'Your order is confirmed' });
  });

  it('fails a tok_declined order without retrying or charging', async () => {
    const order = await placeAndSettle(token, { items: [{ sku: 'SKU-2', quantity: 1 }], paymentToken: 'tok_declined' });

    expect(order.status).toBe('PAYMENT_FAILED');
    expect(order.payment).toMatchObject({ status: 'DECLINED', charges: 0 });
    await notification(order.orderId, 'PAYMENT_FAILED');
  });

  it('confirms a tok_flaky_2 order after the payments queue redelivers it twice', async () => {
    const order = await placeAndSettle(token, { items: [{ sku: 'SKU-3', quantity: 1 }], paymentToken: 'tok_flaky_2' }, 40_000);

    expect(order.status).toBe('CONFIRMED');
    // Declined twice as "try again", so the payments queue delivered it at least three times.
    expect(order.payment).toMatchObject({ status: 'CHARGED', charges: 1 });
    expect(order.payment.attempts).toBeGreaterThanOrEqual(3);
  });

  it('cancels and refunds a paid order whose product is out of stock', async () => {
    const order = await placeAndSettle(token, { items: [{ sku: 'SKU-OOS', quantity: 1 }], paymentToken: 'tok_visa' });

    expect(order.status).toBe('CANCELLED');
    expect(order.payment).toMatchObject({ status: 'REFUNDED', charges: 1 });
    expect(order.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'PAID', 'CANCELLED']);
    await notification(order.orderId, 'CANCELLED');
  });

  it('returns the same order for a repeated Idempotency-Key and refuses the key with another body', async () => {
    const key = randomUUID();
    const body = { items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_visa' };
    const first = await call('POST', '/orders', { token, body, headers: { 'idempotency-key': key } });
    const again = await call('POST', '/orders', { token, body, headers: { 'idempotency-key': key } });
    const other = await call('POST', '/orders', { token, body: { ...body, paymentToken: 'tok_declined' }, headers: { 'idempotency-key': key } });

    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.orderId).toBe(first.body.orderId);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('shows a customer only its own orders', async () => {
    const placed = await call('POST', '/orders', { token, body: { items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_visa' } });
    const stranger = await tokenFor(`e2e-${randomUUID()}`);

    const answer = await call('GET', `/orders/${placed.body.orderId}`, { token: stranger });

    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('NOT_FOUND');
  });
});

describe('the HTTP edge', () => {
  it('answers health and the catalog without a token', async () => {
    expect((await call('GET', '/health')).status).toBe(200);
    const products = await call('GET', '/products');
    expect(products.status).toBe(200);
    expect(products.body.products).toEqual(expect.arrayContaining([expect.objectContaining({ sku: 'SKU-OOS', stock: 0 })]));
  });

  it('rejects a missing token with 401 and a bad one with 403, as API Gateway does', async () => {
    const missing = await call('GET', '/orders/x');
    const bad = await call('GET', '/orders/x', { token: 'not-a-jwt' });

    expect(missing).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
    expect(bad).toMatchObject({ status: 403, body: { message: 'Forbidden' } });
  });

  it.each([
    ['malformed JSON', '{"items":', {}, 400, 'INVALID_JSON'],
    ['a wrong media type', 'items=1', { 'content-type': 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['wrong types', { items: 'many', paymentToken: 7 }, {}, 400, 'VALIDATION_FAILED'],
    ['an unknown SKU', { items: [{ sku: 'SKU-NOPE', quantity: 1 }], paymentToken: 'tok_visa' }, {}, 422, 'UNKNOWN_SKU'],
    ['a huge body', { items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_visa', pad: 'x'.repeat(70_000) }, {}, 413, 'PAYLOAD_TOO_LARGE'],
  ])('answers %s with a precise 4xx in the error shape', async (_what, body, headers, status, code) => {
    const answer = await call('POST', '/orders', { token: await tokenFor('e2e-edge'), body, headers: headers as Record<string, string> });

    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
  });
});
