import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { isConditionFailure } from '../aws/conditional';
import { productKey } from '../catalog/catalog-store';

/**
 * Stock with conditional writes. Each product remembers which orders hold a reservation on it,
 * so decrementing is idempotent per order in one single-item write (no transactions needed).
 */
export function stockStore(tableName: string) {
  return {
    /** Takes `quantity` for the order; false when the stock is short. Repeating it takes nothing more. */
    async take(sku: string, orderId: string, quantity: number): Promise<boolean> {
      try {
        await dynamo.send(
          new UpdateCommand({
            TableName: tableName,
            Key: productKey(sku),
            UpdateExpression: 'SET stock = stock - :qty ADD reservedFor :order',
            ConditionExpression: 'attribute_exists(pk) AND stock >= :qty AND NOT contains(reservedFor, :orderId)',
            ExpressionAttributeValues: { ':qty': quantity, ':order': new Set([orderId]), ':orderId': orderId },
          }),
        );
        return true;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: productKey(sku), ConsistentRead: true }));
        return (Item?.reservedFor as Set<string> | undefined)?.has(orderId) ?? false;
      }
    },

    /** Gives back what `take` took for the order; a no-op when it holds nothing. */
    async giveBack(sku: string, orderId: string, quantity: number): Promise<void> {
      try {
        await dynamo.send(
          new UpdateCommand({
            TableName: tableName,
            Key: productKey(sku),
            UpdateExpression: 'SET stock = stock + :qty DELETE reservedFor :order',
            ConditionExpression: 'contains(reservedFor, :orderId)',
            ExpressionAttributeValues: { ':qty': quantity, ':order': new Set([orderId]), ':orderId': orderId },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },
  };
}

export type StockStore = ReturnType<typeof stockStore>;
