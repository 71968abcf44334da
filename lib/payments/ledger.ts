import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { isConditionFailure } from '../aws/conditional';
import type { Payment } from '../orders/order';
import { NO_PAYMENT } from '../orders/order-view';

const ledgerKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'PAYMENT' });

function toPayment(item: Record<string, unknown> | undefined): Payment {
  if (!item) return NO_PAYMENT;
  return {
    status: item.status as Payment['status'],
    attempts: (item.attempts as number) ?? 0,
    charges: (item.charges as number) ?? 0,
    ...(item.chargeId ? { chargeId: item.chargeId as string } : {}),
  };
}

/**
 * The gateway's ledger for one order. Every write is conditional on the ledger not being settled,
 * so however often a payment message is redelivered, an order is captured at most once.
 */
export function paymentLedger(tableName: string) {
  const settle = async (orderId: string, set: string, values: Record<string, unknown>): Promise<Payment> => {
    try {
      const { Attributes } = await dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key: ledgerKey(orderId),
          UpdateExpression: set,
          ConditionExpression: '#status = :none',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':none': 'NONE', ...values },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toPayment(Attributes);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return get(orderId); // settled by an earlier delivery: its outcome stands
    }
  };

  const get = async (orderId: string): Promise<Payment> => {
    const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: ledgerKey(orderId), ConsistentRead: true }));
    return toPayment(Item);
  };

  return {
    get,

    /** Counts one more attempt on an unsettled ledger; a settled one is returned as it is. */
    async beginAttempt(orderId: string): Promise<Payment> {
      try {
        const { Attributes } = await dynamo.send(
          new UpdateCommand({
            TableName: tableName,
            Key: ledgerKey(orderId),
            UpdateExpression: 'SET #status = if_not_exists(#status, :none), charges = if_not_exists(charges, :zero) ADD attempts :one',
            ConditionExpression: 'attribute_not_exists(#status) OR #status = :none',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':none': 'NONE', ':zero': 0, ':one': 1 },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return toPayment(Attributes);
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        return get(orderId);
      }
    },

    capture: (orderId: string, chargeId: string) =>
      settle(orderId, 'SET #status = :charged, chargeId = :chargeId, charges = charges + :one', {
        ':charged': 'CHARGED',
        ':chargeId': chargeId,
        ':one': 1,
      }),

    decline: (orderId: string) => settle(orderId, 'SET #status = :declined', { ':declined': 'DECLINED' }),

    /** Returns a captured charge; refunding twice is a no-op. */
    async refund(orderId: string): Promise<Payment> {
      try {
        const { Attributes } = await dynamo.send(
          new UpdateCommand({
            TableName: tableName,
            Key: ledgerKey(orderId),
            UpdateExpression: 'SET #status = :refunded',
            ConditionExpression: '#status = :charged',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':refunded': 'REFUNDED', ':charged': 'CHARGED' },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return toPayment(Attributes);
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        return get(orderId);
      }
    },
  };
}

export type PaymentLedger = ReturnType<typeof paymentLedger>;
