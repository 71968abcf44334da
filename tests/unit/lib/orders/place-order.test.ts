import type { PlaceOrderDeps } from '../../../../lib/orders/place-order';
import type * as PlaceOrderModule from '../../../../lib/orders/place-order';
import { IdempotencyConflictError, UnknownSkuError, ValidationError } from '../../../../lib/errors';
import { countItems, isOrderItem, seedCatalog, startDynalite, type TestTable } from '../../../support/dynalite';
import { manualClock, sampleOrder, sequentialIds } from '../../../support/fakes';

let table: TestTable;
let placeOrder: typeof PlaceOrderModule.placeOrder;
let makeDeps: () => PlaceOrderDeps;

beforeAll(async () => {
  table = await startDynalite();
  await seedCatalog(table);
  ({ placeOrder } = await import('../../../../lib/orders/place-order'));
  const { catalogStore } = await import('../../../../lib/catalog/catalog-store');
  const { orderStore } = await import('../../../../lib/orders/order-store');
  const newId = sequentialIds('placed');
  makeDeps = () => ({
    catalog: catalogStore(table.tableName),
    orders: orderStore(table.tableName),
    clock: manualClock('2026-11-22T10:00:00.000Z'),
    newId,
  });
});
afterAll(() => table.close());

const CUSTOMER = '8d2f4b1e-6c3a-4f7d-9b2e-1a5c3e7f9d01';
const request = {
  items: [
    { sku: 'SKU-1', quantity: 2 },
    { sku: 'SKU-3', quantity: 1 },
  ],
  paymentToken: 'tok_visa',
};
const input = (overrides: Partial<Parameters<typeof placeOrder>[1]> = {}) => ({
  customerId: CUSTOMER,
  request,
  correlationId: 'b7e4c2a9-5d3f-4e1b-8a6c-2f9d0e1b3c40',
  ...overrides,
});
const orderCount = () => countItems(table, isOrderItem);

describe('placeOrder', () => {
  it('stores a priced PENDING order (its stream record is what announces it)', async () => {
    const deps = makeDeps();

    const { order, created } = await placeOrder(deps, input());

    expect(created).toBe(true);
    expect(order).toEqual({
      orderId: expect.stringMatching(/^placed-\d{4}$/),
      customerId: CUSTOMER,
      status: 'PENDING',
      items: sampleOrder().items,
      totalCents: sampleOrder().totalCents,
      currency: 'EUR',
      paymentToken: 'tok_visa',
      history: [{ status: 'PENDING', at: '2026-11-22T10:00:00.000Z' }],
      correlationId: 'b7e4c2a9-5d3f-4e1b-8a6c-2f9d0e1b3c40',
      createdAt: '2026-11-22T10:00:00.000Z',
      version: 1,
    });
    await expect(deps.orders.create(order)).resolves.toEqual({ order, created: false });
  });

  it('returns the same order for a replay with the same Idempotency-Key and body, and creates nothing', async () => {
    const deps = makeDeps();
    const first = await placeOrder(deps, input({ idempotencyKey: 'replay-1' }));
    const before = await orderCount();

    const replay = await placeOrder(deps, input({ idempotencyKey: 'replay-1' }));

    expect(replay).toEqual({ order: first.order, created: false });
    expect(await orderCount()).toBe(before);
  });

  it('treats the same items in the same order with the same token as the same body', async () => {
    const deps = makeDeps();
    const first = await placeOrder(deps, input({ idempotencyKey: 'replay-2' }));

    const replay = await placeOrder(deps, input({ idempotencyKey: 'replay-2', request: JSON.parse(JSON.stringify(request)) }));

    expect(replay.order.orderId).toBe(first.order.orderId);
  });

  it('answers a replay with the order as it stands, once it left PENDING', async () => {
    const deps = makeDeps();
    const first = await placeOrder(deps, input({ idempotencyKey: 'replay-3' }));
    const { orderStore } = await import('../../../../lib/orders/order-store');
    await orderStore(table.tableName).transition(first.order, 'PAID', new Date('2026-11-22T10:00:01.000Z'));

    const replay = await placeOrder(deps, input({ idempotencyKey: 'replay-3' }));

    expect(replay).toEqual({ order: expect.objectContaining({ orderId: first.order.orderId, status: 'PAID', version: 2 }), created: false });
  });

  it.each([
    [
      'another quantity',
      {
        ...request,
        items: [
          { sku: 'SKU-1', quantity: 3 },
          { sku: 'SKU-3', quantity: 1 },
        ],
      },
    ],
    ['another token', { ...request, paymentToken: 'tok_declined' }],
    ['another item', { ...request, items: [{ sku: 'SKU-2', quantity: 2 }] }],
  ])('refuses the same Idempotency-Key with %s', async (_label, otherRequest) => {
    const deps = makeDeps();
    const key = `conflict-${_label.replace(/\s/g, '-')}`;
    await placeOrder(deps, input({ idempotencyKey: key }));
    const before = await orderCount();

    await expect(placeOrder(deps, input({ idempotencyKey: key, request: otherRequest }))).rejects.toBeInstanceOf(IdempotencyConflictError);
    expect(await orderCount()).toBe(before);
  });

  it('lets two customers use the same Idempotency-Key', async () => {
    const deps = makeDeps();
    const mine = await placeOrder(deps, input({ idempotencyKey: 'shared-key' }));

    const theirs = await placeOrder(deps, input({ idempotencyKey: 'shared-key', customerId: 'another-customer' }));

    expect(theirs.created).toBe(true);
    expect(theirs.order.orderId).not.toBe(mine.order.orderId);
  });

  it('gives concurrent identical requests with one key a single order', async () => {
    const deps = makeDeps();
    const before = await orderCount();

    const results = await Promise.all(Array.from({ length: 5 }, () => placeOrder(deps, input({ idempotencyKey: 'concurrent-1' }))));

    expect(new Set(results.map((result) => result.order.orderId)).size).toBe(1);
    expect(await orderCount()).toBe(before + 1);
  });

  it('refuses unknown SKUs, naming them, and stores nothing', async () => {
    const deps = makeDeps();
    const before = await orderCount();

    const attempt = placeOrder(
      deps,
      input({
        request: {
          items: [
            { sku: 'SKU-404', quantity: 1 },
            { sku: 'SKU-1', quantity: 1 },
          ],
          paymentToken: 'tok_visa',
        },
      }),
    );

    await expect(attempt).rejects.toBeInstanceOf(UnknownSkuError);
    await expect(attempt).rejects.toMatchObject({ status: 422, code: 'UNKNOWN_SKU', skus: ['SKU-404'] });
    expect(await orderCount()).toBe(before);
  });

  it('refuses an invalid request before touching the catalog', async () => {
    const deps = makeDeps();
    const get = jest.spyOn(deps.catalog, 'get');

    await expect(placeOrder(deps, input({ request: { items: [], paymentToken: 'tok_visa' } }))).rejects.toBeInstanceOf(ValidationError);
    expect(get).not.toHaveBeenCalled();
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(129)],
    ['with a space', 'my key'],
    ['with a non-ASCII character', 'clé'],
  ])('refuses an Idempotency-Key that is %s', async (_label, idempotencyKey) => {
    const deps = makeDeps();

    await expect(placeOrder(deps, input({ idempotencyKey }))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'Idempotency-Key', message: 'must be 1 to 128 visible ASCII characters' }],
    });
  });

  it('accepts a 128-character Idempotency-Key of visible ASCII', async () => {
    const deps = makeDeps();

    await expect(placeOrder(deps, input({ idempotencyKey: '~'.repeat(128) }))).resolves.toMatchObject({ created: true });
  });
});
