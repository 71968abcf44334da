import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PostToConnection } from '../../../../lib/push/push-status';
import type { PushStore } from '../../../../lib/push/push-store';
import { startDynalite, type TestTable } from '../../../support/dynalite';

let table: TestTable;
let store: PushStore;
let push: typeof import('../../../../lib/push/push-status');
const now = new Date('2026-11-22T10:00:05.000Z');

beforeAll(async () => {
  table = await startDynalite();
  push = await import('../../../../lib/push/push-status');
  store = (await import('../../../../lib/push/push-store')).pushStore(table.tableName, 3600);
});
afterAll(() => table.close());

async function subscribed(connectionId: string, orderIds: string[], since = '2026-11-22T10:00:00.000Z') {
  await store.saveConnection(connectionId, 'alice', now);
  const connection = (await store.connection(connectionId))!;
  for (const orderId of orderIds) await store.subscribe(connection, orderId, since, now);
}
const item = async (pk: string, sk: string) => (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk, sk } }))).Item;
const message = (orderId: string, at = '2026-11-22T10:00:07.000Z') => ({ orderId, status: 'PAID' as const, at });

describe('pushStatus', () => {
  it('posts the change, as JSON, to every connection subscribed to the order', async () => {
    await subscribed('push-a', ['push-1']);
    await subscribed('push-b', ['push-1']);
    await subscribed('push-c', ['push-other']);
    const post = jest.fn<ReturnType<PostToConnection>, Parameters<PostToConnection>>().mockResolvedValue('SENT');

    const outcome = await push.pushStatus({ store, post }, message('push-1'));

    expect(outcome).toEqual({ sent: 2, gone: 0 });
    expect(post.mock.calls.sort()).toEqual([
      ['push-a', '{"orderId":"push-1","status":"PAID","at":"2026-11-22T10:00:07.000Z"}'],
      ['push-b', '{"orderId":"push-1","status":"PAID","at":"2026-11-22T10:00:07.000Z"}'],
    ]);
  });

  it("skips a subscriber whose subscription's answer already held the change", async () => {
    await subscribed('push-late', ['push-2'], '2026-11-22T10:00:07.000Z');
    const post = jest.fn<ReturnType<PostToConnection>, Parameters<PostToConnection>>().mockResolvedValue('SENT');

    expect(await push.pushStatus({ store, post }, message('push-2', '2026-11-22T10:00:07.000Z'))).toEqual({ sent: 0, gone: 0 });
    expect(post).not.toHaveBeenCalled();
  });

  it('removes a gone connection with all its subscriptions, and does not fail the change', async () => {
    await subscribed('push-gone', ['push-3', 'push-4']);
    await subscribed('push-here', ['push-3']);
    const post = jest.fn<ReturnType<PostToConnection>, Parameters<PostToConnection>>(async (connectionId) => (connectionId === 'push-gone' ? 'GONE' : 'SENT'));

    expect(await push.pushStatus({ store, post }, message('push-3'))).toEqual({ sent: 1, gone: 1 });

    expect(await item('CONNECTION#push-gone', 'CONNECTION')).toBeUndefined();
    expect(await item('SUBSCRIBERS#push-3', 'CONNECTION#push-gone')).toBeUndefined();
    expect(await item('SUBSCRIBERS#push-4', 'CONNECTION#push-gone')).toBeUndefined();
    expect(await item('SUBSCRIBERS#push-3', 'CONNECTION#push-here')).toBeDefined();
    // Never tried again: the next change of the order does not reach it.
    post.mockClear();
    await push.pushStatus({ store, post }, message('push-3', '2026-11-22T10:00:08.000Z'));
    expect(post.mock.calls.map(([connectionId]) => connectionId)).toEqual(['push-here']);
  });

  it('removes the subscription of a gone connection whose connection item is gone already', async () => {
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: 'SUBSCRIBERS#push-5', sk: 'CONNECTION#push-orphan', connectionId: 'push-orphan', orderId: 'push-5', since: '1970-01-01T00:00:00.000Z' },
      }),
    );

    await push.pushStatus({ store, post: async () => 'GONE' }, message('push-5'));

    expect(await item('SUBSCRIBERS#push-5', 'CONNECTION#push-orphan')).toBeUndefined();
  });

  it('fails the change when a subscriber cannot be reached for another reason, after posting to the others', async () => {
    await subscribed('push-broken', ['push-6']);
    await subscribed('push-fine', ['push-6']);
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'LimitExceededException' });
    const post = jest.fn<ReturnType<PostToConnection>, Parameters<PostToConnection>>(async (connectionId) => {
      if (connectionId === 'push-broken') throw throttled;
      return 'SENT';
    });

    await expect(push.pushStatus({ store, post }, message('push-6'))).rejects.toThrow(new push.PushFailedError('push-6', [throttled]));
    expect(post).toHaveBeenCalledWith('push-fine', expect.any(String));
    expect(await item('CONNECTION#push-broken', 'CONNECTION')).toBeDefined();
  });
});
