import type * as ListProductsModule from '../../../handlers/list-products';
import { SAMPLE_CATALOG } from '../../../lib/catalog/sample-catalog';
import { seedCatalog, startDynalite, type TestTable } from '../../support/dynalite';
import { httpEvent, invokeHttp } from '../../support/events';
import { pendingOrder } from '../../support/fakes';
import { lambdaContext } from '../../support/lambda-context';

let table: TestTable;
let handler: typeof ListProductsModule.handler;

beforeAll(async () => {
  table = await startDynalite();
  await seedCatalog(table);
  ({ handler } = await import('../../../handlers/list-products'));
  // Stock taken for a confirmed order shows in the catalog.
  const orders = (await import('../../../lib/orders/order-store')).orderStore(table.tableName);
  const placed = (await orders.create(pendingOrder({ orderId: 'order-1', items: [{ sku: 'SKU-1', quantity: 2, unitPriceCents: 2499 }] }))).order;
  const paid = (await orders.transition(placed, 'PAID', new Date())).order;
  const stock = (await import('../../../lib/inventory/stock-store')).stockStore(table.tableName);
  await stock.reserveAndConfirm(paid, new Date());
});
afterAll(() => table.close());

describe('GET /products (listProducts)', () => {
  it('answers 200 with every product and only the catalog fields, without a token', async () => {
    const event = httpEvent('listProducts');

    const answer = await invokeHttp(handler, event, lambdaContext('listProducts'));

    expect(event.headers).not.toHaveProperty('authorization');
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body)).toEqual(['products']);
    const expected = SAMPLE_CATALOG.map((product) => (product.sku === 'SKU-1' ? { ...product, stock: product.stock - 2 } : product));
    expect(answer.body.products).toHaveLength(expected.length);
    expect(answer.body.products).toEqual(expect.arrayContaining(expected));
    for (const product of answer.body.products) expect(Object.keys(product).sort()).toEqual(['currency', 'name', 'priceCents', 'sku', 'stock']);
  });
});
