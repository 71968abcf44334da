import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { cancellationReasons } from '../aws/conditional';
import { productKey } from '../catalog/catalog-store';
import { TransientError } from '../errors';
import type { Order } from '../orders/order';
import { transitionWrite } from '../orders/order-store';

export type Reservation =
  /** The stock of every item is taken and the order is CONFIRMED (as returned). */
  | { outcome: 'CONFIRMED'; order: Order }
  /** Some item is short (or no longer in the catalog): nothing was taken, the order did not move. */
  | { outcome: 'SHORT' }
  /** The order is no longer as it was read (another delivery moved it on): nothing was taken. */
  | { outcome: 'MOVED_ON' };

/**
 * Stock is taken by the transaction that confirms the order: every product's stock goes down only
 * if enough is left, and the order goes from PAID to CONFIRMED only if it is still as it was read.
 * All of it happens or none of it, so however deliveries are repeated or race each other, stock is
 * taken once per order, and only for a confirmed one.
 */
export function stockStore(tableName: string) {
  return {
    async reserveAndConfirm(order: Order, at: Date): Promise<Reservation> {
      const confirm = transitionWrite(tableName, order, 'CONFIRMED', at);
      const takes = order.items.map((item) => ({
        Update: {
          TableName: tableName,
          Key: productKey(item.sku),
          UpdateExpression: 'SET stock = stock - :quantity',
          ConditionExpression: 'attribute_exists(pk) AND stock >= :quantity',
          ExpressionAttributeValues: { ':quantity': item.quantity },
        },
      }));
      try {
        await dynamo.send(new TransactWriteCommand({ TransactItems: [{ Update: confirm.update }, ...takes] }));
        return { outcome: 'CONFIRMED', order: confirm.next };
      } catch (error) {
        const [orderReason, ...stockReasons] = cancellationReasons(error) ?? [];
        if (orderReason === undefined) throw error;
        if (orderReason === 'ConditionalCheckFailed') return { outcome: 'MOVED_ON' };
        if (stockReasons.includes('ConditionalCheckFailed')) return { outcome: 'SHORT' };
        // A conflict with another transaction on one of these items: Lambda's retry goes again.
        throw new TransientError(`Reserving order ${order.orderId} was cancelled (${[orderReason, ...stockReasons].join(', ')})`);
      }
    },
  };
}

export type StockStore = ReturnType<typeof stockStore>;
