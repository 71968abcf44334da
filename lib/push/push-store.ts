import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { currentStatus, type StatusMessage } from './status-message';

// WebSocket connections and subscriptions share the orders table (single-table design) under keys of
// their own, never sk ORDER or FULFILMENT (the stream's consumers filter on those). Both expire with
// the connection (ttl), in case $disconnect never runs: API Gateway calls it on a best-effort basis.
const connectionKey = (connectionId: string) => ({ pk: `CONNECTION#${connectionId}`, sk: 'CONNECTION' });
const subscriptionKey = (orderId: string, connectionId: string) => ({ pk: `SUBSCRIBERS#${orderId}`, sk: `CONNECTION#${connectionId}` });

export type Connection = { connectionId: string; customerId: string; connectedAt: string; orderIds: string[] };
/** `since`: the time of the status the subscriber already had when subscribing; older changes are not pushed. */
export type Subscription = { connectionId: string; orderId: string; since: string };
/** An order as a subscription needs it: whose it is, and where it stands. */
export type OrderSnapshot = { customerId: string; current: StatusMessage };

export type PushStore = ReturnType<typeof pushStore>;

export function pushStore(tableName: string, ttlSeconds: number) {
  const ttl = (now: Date) => Math.floor(now.getTime() / 1000) + ttlSeconds;

  const connection = async (connectionId: string): Promise<Connection | undefined> => {
    const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: connectionKey(connectionId), ConsistentRead: true }));
    if (!Item) return undefined;
    return {
      connectionId,
      customerId: Item.customerId as string,
      connectedAt: Item.connectedAt as string,
      orderIds: [...((Item.orderIds as Set<string>) ?? [])],
    };
  };

  return {
    connection,

    async saveConnection(connectionId: string, customerId: string, now: Date): Promise<void> {
      await dynamo.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...connectionKey(connectionId), connectionId, customerId, connectedAt: now.toISOString(), ttl: ttl(now) },
        }),
      );
    },

    /** The order's owner and status (its ORDER and FULFILMENT items, read together), or undefined when there is no such order. */
    async order(orderId: string): Promise<OrderSnapshot | undefined> {
      const { Items = [] } = await dynamo.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` },
          ConsistentRead: true,
        }),
      );
      const order = Items.find((item) => item.sk === 'ORDER');
      if (!order) return undefined;
      return {
        customerId: order.customerId as string,
        current: currentStatus(
          order,
          Items.find((item) => item.sk === 'FULFILMENT'),
        ),
      };
    },

    /** Files the order under its connection (still there), so that the connection's removal finds it, then the subscription. */
    async subscribe(connection: Connection, orderId: string, since: string, now: Date): Promise<void> {
      const { connectionId, customerId } = connection;
      await dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key: connectionKey(connectionId),
          UpdateExpression: 'ADD orderIds :orderId',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':orderId': new Set([orderId]) },
        }),
      );
      await dynamo.send(
        new PutCommand({ TableName: tableName, Item: { ...subscriptionKey(orderId, connectionId), connectionId, orderId, customerId, since, ttl: ttl(now) } }),
      );
    },

    async subscribers(orderId: string): Promise<Subscription[]> {
      const subscriptions: Subscription[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await dynamo.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `SUBSCRIBERS#${orderId}` },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) subscriptions.push({ connectionId: item.connectionId as string, orderId, since: item.since as string });
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return subscriptions;
    },

    /** Deletes the connection and every subscription it made; removing one that is gone already is a no-op. */
    async removeConnection(connectionId: string, knownOrderIds: string[] = []): Promise<void> {
      const orderIds = new Set([...knownOrderIds, ...((await connection(connectionId))?.orderIds ?? [])]);
      for (const orderId of orderIds) await dynamo.send(new DeleteCommand({ TableName: tableName, Key: subscriptionKey(orderId, connectionId) }));
      await dynamo.send(new DeleteCommand({ TableName: tableName, Key: connectionKey(connectionId) }));
    },
  };
}
