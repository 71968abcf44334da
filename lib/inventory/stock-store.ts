import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { isConditionFailure } from '../aws/conditional';
import { productKey } from '../catalog/catalog-store';

/** The durable record that an order holds `quantity` of a product. */
const reservationKey = (orderId: string, sku: string) => ({ pk: `ORDER#${orderId}`, sk: `RESERVATION#${sku}` });

/** The product's sets of orders with a stock change applied but not yet recorded on the order. */
type Mark = 'reservedFor' | 'returningFor';

const marks = (product: Record<string, unknown> | undefined, mark: Mark, orderId: string): boolean =>
  (product?.[mark] as Set<string> | undefined)?.has(orderId) ?? false;

/**
 * Stock with conditional writes and no transactions (the embedded local DynamoDB has none).
 *
 * A take or give-back is three single-item writes: change the stock and mark the order on the
 * product (one atomic write, so it happens once), write or delete the order's reservation item,
 * clear the mark. A mark lives only while a change is in flight, so the product item stays small
 * however many orders it served, and a call that stopped half-way is finished by the next call for
 * the same order and SKU (a redelivery). What a mark means depends on the reservation item: with
 * it, a `reservedFor` mark is stale and a `returningFor` mark is a give-back to finish; without it,
 * the other way round. Calls for one order must not run concurrently: reserveInventory serialises
 * them with its claim on the order.
 */
export function stockStore(tableName: string) {
  const getReservation = async (orderId: string, sku: string) =>
    (await dynamo.send(new GetCommand({ TableName: tableName, Key: reservationKey(orderId, sku), ConsistentRead: true }))).Item;

  const getProduct = async (sku: string) =>
    (await dynamo.send(new GetCommand({ TableName: tableName, Key: productKey(sku), ConsistentRead: true }))).Item;

  /**
   * Adds `delta` to the stock and marks the order, in one write, and returns the product as it now
   * is; undefined, changing nothing, when the order is marked already or a decrement would go below 0.
   */
  const changeStock = async (sku: string, orderId: string, delta: number, mark: Mark) => {
    const taking = delta < 0;
    try {
      const { Attributes } = await dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key: productKey(sku),
          UpdateExpression: 'SET stock = stock + :delta ADD #mark :order',
          ConditionExpression: `attribute_exists(pk) AND NOT contains(#mark, :orderId)${taking ? ' AND stock >= :needed' : ''}`,
          ExpressionAttributeNames: { '#mark': mark },
          ExpressionAttributeValues: { ':delta': delta, ':order': new Set([orderId]), ':orderId': orderId, ...(taking ? { ':needed': -delta } : {}) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return undefined;
    }
  };

  /** Clears the order's mark; a no-op when it is not there. */
  const clearMark = async (sku: string, orderId: string, mark: Mark): Promise<void> => {
    try {
      await dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key: productKey(sku),
          UpdateExpression: 'DELETE #mark :order',
          ConditionExpression: 'contains(#mark, :orderId)',
          ExpressionAttributeNames: { '#mark': mark },
          ExpressionAttributeValues: { ':order': new Set([orderId]), ':orderId': orderId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  };

  const forgetReservation = async (sku: string, orderId: string): Promise<void> => {
    await dynamo.send(new DeleteCommand({ TableName: tableName, Key: reservationKey(orderId, sku) }));
    await clearMark(sku, orderId, 'returningFor');
  };

  /** Undoes, in one write, a take that changed the stock and stopped before recording its reservation. */
  const undoUnrecordedTake = async (sku: string, orderId: string, quantity: number): Promise<void> => {
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
  };

  return {
    /** Takes `quantity` for the order; false when the stock is short. Repeating it takes nothing more. */
    async take(sku: string, orderId: string, quantity: number): Promise<boolean> {
      if (await getReservation(orderId, sku)) {
        const product = await getProduct(sku);
        if (marks(product, 'reservedFor', orderId)) await clearMark(sku, orderId, 'reservedFor');
        if (!marks(product, 'returningFor', orderId)) return true;
        // A give-back returned this stock and stopped before forgetting the reservation: finish it, then take anew.
        await forgetReservation(sku, orderId);
      }
      let product = await changeStock(sku, orderId, -quantity, 'reservedFor');
      const took = product !== undefined;
      product ??= await getProduct(sku);
      // A give-back that forgot its reservation but stopped before clearing its mark.
      if (marks(product, 'returningFor', orderId)) await clearMark(sku, orderId, 'returningFor');
      // Not taken now and not by an earlier call that stopped before recording it: the stock is short.
      if (!took && !marks(product, 'reservedFor', orderId)) return false;
      await dynamo.send(new PutCommand({ TableName: tableName, Item: { ...reservationKey(orderId, sku), sku, quantity } }));
      await clearMark(sku, orderId, 'reservedFor');
      return true;
    },

    /** Gives back what `take` took for the order; a no-op when it holds nothing. */
    async giveBack(sku: string, orderId: string, quantity: number): Promise<void> {
      const reservation = await getReservation(orderId, sku);
      if (!reservation) {
        const product = await getProduct(sku);
        if (marks(product, 'reservedFor', orderId)) await undoUnrecordedTake(sku, orderId, quantity);
        if (marks(product, 'returningFor', orderId)) await clearMark(sku, orderId, 'returningFor');
        return;
      }
      const product = (await changeStock(sku, orderId, reservation.quantity as number, 'returningFor')) ?? (await getProduct(sku));
      // A take that recorded its reservation but stopped before clearing its mark.
      if (marks(product, 'reservedFor', orderId)) await clearMark(sku, orderId, 'reservedFor');
      await forgetReservation(sku, orderId);
    },
  };
}

export type StockStore = ReturnType<typeof stockStore>;
