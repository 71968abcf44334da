import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mintToken } from '../../lib/auth/mint-token';
import { call, eventually, tokenFor } from './support/api';
import { dynamo, TABLE } from './support/aws';
import { connect, type Client } from './support/websocket-client';

jest.setTimeout(60_000);

// What a subscriber of an order that ends CONFIRMED hears, from its subscription's answer on.
const CHAIN = ['PENDING', 'PAID', 'CONFIRMED', 'SHIPPED'];

const subscriptionsOf = async (orderId: string) =>
  (
    await dynamo.send(
      new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `SUBSCRIBERS#${orderId}` } }),
    )
  ).Items ?? [];
const connectionItem = async (connectionId: string) =>
  (await dynamo.send(new GetCommand({ TableName: TABLE, Key: { pk: `CONNECTION#${connectionId}`, sk: 'CONNECTION' }, ConsistentRead: true }))).Item;

async function placeOrder(token: string, paymentToken: string): Promise<string> {
  const placed = await call('POST', '/orders', { token, body: { items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken } });
  expect(placed.status).toBe(202);
  return placed.body.orderId;
}

/** Messages until the order's `last` status, with a change that landed while subscribing (heard twice) counted once. */
async function statusesUntil(client: Client, last: string): Promise<string[]> {
  const statuses: string[] = [];
  while (statuses[statuses.length - 1] !== last) {
    const { status } = await client.next();
    if (status !== statuses[statuses.length - 1]) statuses.push(status);
  }
  return statuses;
}

describe('order status over WebSocket', () => {
  const clients: Client[] = [];
  const open = async (token: string | undefined) => {
    const client = await connect(token);
    clients.push(client);
    return client;
  };
  afterAll(() => Promise.all(clients.map((client) => client.close())));

  it('refuses a connection without a token (401) or with a bad one (403), as the HTTP API answers', async () => {
    await expect(connect(undefined)).rejects.toMatchObject({ statusCode: 401 });
    await expect(connect('not-a-jwt')).rejects.toMatchObject({ statusCode: 403 });
    await expect(connect(await mintToken('alice', 'another-secret'))).rejects.toMatchObject({ statusCode: 403 });
  });

  it('answers a bad message with an error in the API shape, and the connection stays usable', async () => {
    const client = await open(await tokenFor(`ws-${randomUUID()}`));

    for (const [message, code] of [
      ['not json', 'INVALID_JSON'],
      [{ action: 'unsubscribe', orderId: 'x' }, 'UNKNOWN_ACTION'],
      [{ action: 'subscribe' }, 'VALIDATION_FAILED'],
      [{ action: 'subscribe', orderId: randomUUID() }, 'NOT_FOUND'],
    ] as const) {
      client.send(message);
      expect(await client.next()).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
    }
  });

  it("pushes each change of the subscriber's own order, in order; never to another customer; drops gone connections", async () => {
    const aliceToken = await tokenFor(`ws-alice-${randomUUID()}`);
    // tok_flaky_1: the first payment attempt fails and the payments queue redelivers it only after its
    // visibility timeout (2 s locally), so the order is still PENDING when alice subscribes just after.
    const orderId = await placeOrder(aliceToken, 'tok_flaky_1');
    // A connection whose $disconnect never came (API Gateway calls it on a best-effort basis), subscribed
    // as wsSubscribe files a subscription: serverless-offline has no such client, so posting to it gets 410.
    const ghost = `ghost-${randomUUID()}`;
    await dynamo.send(
      new PutCommand({
        TableName: TABLE,
        Item: { pk: `CONNECTION#${ghost}`, sk: 'CONNECTION', connectionId: ghost, customerId: 'x', orderIds: new Set([orderId]) },
      }),
    );
    await dynamo.send(
      new PutCommand({
        TableName: TABLE,
        Item: { pk: `SUBSCRIBERS#${orderId}`, sk: `CONNECTION#${ghost}`, connectionId: ghost, orderId, since: '1970-01-01T00:00:00.000Z' },
      }),
    );

    const alice = await open(aliceToken);
    const bob = await open(await tokenFor(`ws-bob-${randomUUID()}`));
    bob.send({ action: 'subscribe', orderId });
    expect(await bob.next()).toEqual({ error: { code: 'NOT_FOUND', message: `Order ${orderId} was not found.` } });
    alice.send({ action: 'subscribe', orderId });

    // The answer to the subscription is the status as it stands; every later change follows, in order.
    expect(await alice.next()).toMatchObject({ orderId, status: 'PENDING' });
    const statuses = ['PENDING', ...(await statusesUntil(alice, 'SHIPPED'))].filter((status, i, all) => status !== all[i - 1]);
    expect(statuses).toEqual(CHAIN);
    const order = await call('GET', `/orders/${orderId}`, { token: aliceToken });
    expect(alice.heard.slice(-3)).toEqual([
      ...order.body.history.slice(1).map(({ status, at }: { status: string; at: string }) => ({ orderId, status, at })),
      { orderId, status: 'SHIPPED', at: order.body.fulfilment.at },
    ]);

    // Bob's refused subscription filed nothing: only alice's connection is subscribed.
    const subscribers = await subscriptionsOf(orderId);
    expect(subscribers.map((item) => item.customerId)).toEqual([order.body.customerId]);
    expect(bob.heard).toHaveLength(1);
    // The ghost was posted PAID, answered 410, and was removed with its subscription before CONFIRMED was pushed.
    expect(await connectionItem(ghost)).toBeUndefined();
    expect(subscribers.map((item) => item.connectionId)).not.toContain(ghost);

    // A client that closes is forgotten ($disconnect), with its subscriptions.
    const aliceConnection = subscribers[0].connectionId as string;
    expect(await connectionItem(aliceConnection)).toMatchObject({ customerId: order.body.customerId });
    await alice.close();
    await eventually(async () => ((await connectionItem(aliceConnection)) ? undefined : true), "alice's connection removed after she closed it");
    expect(await subscriptionsOf(orderId)).toEqual([]);
  });
});
