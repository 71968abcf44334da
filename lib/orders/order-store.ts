import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { cancellationReasons, unlessConditionFails } from '../aws/conditional';
import { IdempotencyConflictError, TransientError } from '../errors';
import { transition, type Order, type OrderStatus } from './order';

const orderKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' });
const idempotencyKey = (customerId: string, key: string) => ({ pk: `IDEMPOTENCY#${customerId}#${key}`, sk: 'IDEMPOTENCY' });
const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/**
 * The sparse index the expiry sweep reads: a PENDING order is filed under PENDING by creation time,
 * and leaves it with its first transition. Nothing else is filed: the table's stream publishes every
 * status change (the outbox), so no order waits for a sweep to announce it.
 */
const SWEEP_INDEX = { name: 'gsi1', pending: 'PENDING' };

export type IdempotencyClaim = { key: string; requestHash: string };
export type Created = { order: Order; created: boolean };
export type Transitioned = { order: Order; changed: boolean };
/** A conditional DynamoDB update, as one item of a transaction. */
export type ConditionalUpdate = { TableName: string; Key: Record<string, unknown>; UpdateExpression: string; ConditionExpression: string } & Record<
  string,
  unknown
>;
export type TransitionedWith =
  /** Both written. */
  | { outcome: 'CHANGED'; order: Order }
  /** The order is no longer where we saw it (returned as it stands): nothing was written. */
  | { outcome: 'MOVED_ON'; order: Order }
  /** The other write's condition failed: nothing was written. */
  | { outcome: 'EFFECT_REFUSED' };

function fromItem(item: Record<string, unknown>): Order {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...order } = item;
  return order as Order;
}

/**
 * The write that moves an order on to `to` only if it is still where we saw it (status and
 * version), and the order it makes: sent on its own, or as one item of a transaction. It is the
 * one write of the order item for this status change, which the table's stream publishes.
 */
export function transitionWrite(tableName: string, order: Order, to: OrderStatus, at: Date) {
  const next = transition(order, to, at);
  const update = {
    TableName: tableName,
    Key: orderKey(order.orderId),
    UpdateExpression: 'SET #status = :to, history = :history, version = :version REMOVE gsi1pk, gsi1sk',
    ConditionExpression: '#status = :from AND version = :seen',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':to': to,
      ':from': order.status,
      ':history': next.history,
      ':version': next.version,
      ':seen': order.version,
    },
  };
  return { next, update };
}

export function orderStore(tableName: string) {
  const get = async (orderId: string): Promise<Order | undefined> => {
    const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: orderKey(orderId), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  };

  /** Claims the key for this request, or returns the order id an identical earlier request got. */
  const claim = async (order: Order, claim: IdempotencyClaim): Promise<string> => {
    const Key = idempotencyKey(order.customerId, claim.key);
    const claimed = dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...Key, orderId: order.orderId, requestHash: claim.requestHash, ttl: epochSeconds(order.createdAt) + IDEMPOTENCY_TTL_SECONDS },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return unlessConditionFails(
      claimed.then(() => order.orderId),
      async () => {
        const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }));
        if (!Item || Item.requestHash !== claim.requestHash) throw new IdempotencyConflictError();
        return Item.orderId as string;
      },
    );
  };

  return {
    get,

    /** Stores a new order once; a repeated idempotent request gets the first order back. */
    async create(order: Order, idempotency?: IdempotencyClaim): Promise<Created> {
      const orderId = idempotency ? await claim(order, idempotency) : order.orderId;
      if (orderId !== order.orderId) {
        const earlier = await get(orderId);
        if (earlier) return { order: earlier, created: false };
        // The earlier request claimed the key but stopped before storing its order: finish its work.
        order = { ...order, orderId };
      }
      const put = dynamo.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...orderKey(order.orderId), gsi1pk: SWEEP_INDEX.pending, gsi1sk: order.createdAt, ...order },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return unlessConditionFails(
        put.then(() => ({ order, created: true })),
        async () => ({ order: (await get(order.orderId))!, created: false }),
      );
    },

    /** Moves the order on if it is still where we saw it; otherwise returns it as it now stands. */
    async transition(order: Order, to: OrderStatus, at: Date): Promise<Transitioned> {
      const { next, update } = transitionWrite(tableName, order, to, at);
      return unlessConditionFails(
        dynamo.send(new UpdateCommand(update)).then(() => ({ order: next, changed: true })),
        async () => ({ order: (await get(order.orderId))!, changed: false }),
      );
    },

    /**
     * Moves the order on and makes the write that goes with the new status (a charge, a refund) in
     * one transaction, so that no reader ever sees the status without its effect.
     */
    async transitionWith(order: Order, to: OrderStatus, at: Date, effect: ConditionalUpdate): Promise<TransitionedWith> {
      const { next, update } = transitionWrite(tableName, order, to, at);
      try {
        await dynamo.send(new TransactWriteCommand({ TransactItems: [{ Update: update }, { Update: effect }] }));
        return { outcome: 'CHANGED', order: next };
      } catch (error) {
        const [orderReason, effectReason] = cancellationReasons(error) ?? [];
        if (orderReason === undefined) throw error;
        if (orderReason === 'ConditionalCheckFailed') return { outcome: 'MOVED_ON', order: (await get(order.orderId))! };
        if (effectReason === 'ConditionalCheckFailed') return { outcome: 'EFFECT_REFUSED' };
        // A conflict with another transaction on one of these items: the delivery is retried.
        throw new TransientError(`Moving order ${order.orderId} to ${to} was cancelled (${orderReason}, ${effectReason})`);
      }
    },

    /** Ids of PENDING orders created before the cutoff, oldest first. */
    pendingBefore: (cutoff: Date, limit: number): Promise<string[]> => sweepIndexIds(tableName, SWEEP_INDEX.pending, cutoff.toISOString(), limit),
  };
}

/** Order ids filed under one key of the sweep index, created before `before`, oldest first. */
async function sweepIndexIds(tableName: string, key: string, before: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: SWEEP_INDEX.name,
        KeyConditionExpression: 'gsi1pk = :key AND gsi1sk < :before',
        ExpressionAttributeValues: { ':key': key, ':before': before },
        ExclusiveStartKey: startKey,
        Limit: limit - ids.length,
      }),
    );
    for (const item of page.Items ?? []) ids.push((item.pk as string).slice('ORDER#'.length));
    startKey = page.LastEvaluatedKey;
  } while (startKey && ids.length < limit);
  return ids;
}

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export type OrderStore = ReturnType<typeof orderStore>;
