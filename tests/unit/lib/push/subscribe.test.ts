import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { PushStore } from '../../../../lib/push/push-store';
import { startDynalite, type TestTable } from '../../../support/dynalite';
import { pendingOrder } from '../../../support/fakes';

let table: TestTable;
let store: PushStore;
let subscribe: typeof import('../../../../lib/push/subscribe').subscribe;
let parseClientMessage: typeof import('../../../../lib/push/subscribe').parseClientMessage;
const now = () => new Date('2026-11-22T10:00:05.000Z');

beforeAll(async () => {
  table = await startDynalite();
  ({ subscribe, parseClientMessage } = await import('../../../../lib/push/subscribe'));
  store = (await import('../../../../lib/push/push-store')).pushStore(table.tableName, 3600);
});
afterAll(() => table.close());

async function putOrder(orderId: string, customerId: string) {
  const order = pendingOrder({ orderId, customerId, history: [{ status: 'PENDING', at: '2026-11-22T10:00:00.000Z' }] });
  await table.doc.send(new PutCommand({ TableName: table.tableName, Item: { pk: `ORDER#${orderId}`, sk: 'ORDER', ...order } }));
}
const subscribers = async (orderId: string) =>
  (
    await table.doc.send(
      new QueryCommand({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `SUBSCRIBERS#${orderId}` } }),
    )
  ).Items ?? [];
const message = (orderId: unknown) => JSON.stringify({ action: 'subscribe', orderId });

describe('parseClientMessage', () => {
  it.each([
    ['not JSON', 'subscribe me', 'INVALID_JSON'],
    ['an empty message', '', 'INVALID_JSON'],
    ['JSON that is not an object', '[1,2]', 'VALIDATION_FAILED'],
    ['an unknown action', '{"action":"unsubscribe","orderId":"o"}', 'UNKNOWN_ACTION'],
    ['no action', '{"orderId":"o"}', 'UNKNOWN_ACTION'],
    ['no orderId', '{"action":"subscribe"}', 'VALIDATION_FAILED'],
    ['an orderId that is not a string', '{"action":"subscribe","orderId":42}', 'VALIDATION_FAILED'],
  ])('answers %s with a clear error', (_case, body, code) => {
    const parsed = parseClientMessage(body);

    expect(parsed).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  });

  it('reads a subscription request', () => {
    expect(parseClientMessage(message('o-1'))).toEqual({ action: 'subscribe', orderId: 'o-1' });
  });
});

describe('subscribe', () => {
  it("subscribes a connection to its customer's order and answers with the order's status", async () => {
    await putOrder('sub-own', 'alice');
    await store.saveConnection('conn-alice', 'alice', now());

    const reply = await subscribe({ store, now }, 'conn-alice', message('sub-own'));

    expect(reply).toEqual({ orderId: 'sub-own', status: 'PENDING', at: '2026-11-22T10:00:00.000Z' });
    expect(await subscribers('sub-own')).toEqual([
      expect.objectContaining({
        connectionId: 'conn-alice',
        customerId: 'alice',
        since: '2026-11-22T10:00:00.000Z',
        ttl: Date.parse(now().toISOString()) / 1000 + 3600,
      }),
    ]);
    expect((await store.connection('conn-alice'))?.orderIds).toEqual(['sub-own']);
  });

  it("answers NOT_FOUND for another customer's order, and subscribes nothing", async () => {
    await putOrder('sub-bobs', 'bob');
    await store.saveConnection('conn-alice-2', 'alice', now());

    const reply = await subscribe({ store, now }, 'conn-alice-2', message('sub-bobs'));

    expect(reply).toEqual({ error: { code: 'NOT_FOUND', message: 'Order sub-bobs was not found.' } });
    expect(await subscribers('sub-bobs')).toEqual([]);
    expect((await store.connection('conn-alice-2'))?.orderIds).toEqual([]);
  });

  it('answers NOT_FOUND, the same way, for an order that does not exist', async () => {
    await store.saveConnection('conn-alice-3', 'alice', now());

    expect(await subscribe({ store, now }, 'conn-alice-3', message('no-such-order'))).toEqual({
      error: { code: 'NOT_FOUND', message: 'Order no-such-order was not found.' },
    });
  });

  it('answers a connection it does not know (expired, or never admitted) with UNAUTHORIZED', async () => {
    await putOrder('sub-unknown-conn', 'alice');

    expect(await subscribe({ store, now }, 'conn-unknown', message('sub-unknown-conn'))).toEqual({ error: expect.objectContaining({ code: 'UNAUTHORIZED' }) });
    expect(await subscribers('sub-unknown-conn')).toEqual([]);
  });

  it('answers SHIPPED for a fulfilled order', async () => {
    await putOrder('sub-shipped', 'alice');
    await table.doc.send(
      new PutCommand({ TableName: table.tableName, Item: { pk: 'ORDER#sub-shipped', sk: 'FULFILMENT', status: 'SHIPPED', at: '2026-11-22T10:00:09.000Z' } }),
    );
    await store.saveConnection('conn-alice-4', 'alice', now());

    expect(await subscribe({ store, now }, 'conn-alice-4', message('sub-shipped'))).toEqual({
      orderId: 'sub-shipped',
      status: 'SHIPPED',
      at: '2026-11-22T10:00:09.000Z',
    });
  });

  it('answers a bad message with its error, before reading anything', async () => {
    const failing = { connection: jest.fn(), order: jest.fn(), subscribe: jest.fn() };

    expect(await subscribe({ store: failing, now }, 'conn', 'not json')).toEqual({ error: expect.objectContaining({ code: 'INVALID_JSON' }) });
    expect(failing.connection).not.toHaveBeenCalled();
  });
});
