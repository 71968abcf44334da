import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { unlessConditionFails } from '../aws/conditional';
import type { Payment } from '../orders/order';
import type { ConditionalUpdate } from '../orders/order-store';
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
 * The gateway's ledger for one order. Every write is conditional on the ledger's status, so however
 * often a payment message is redelivered, an order is captured at most once and refunded at most
 * once. Settling writes are made in the same transaction as the order's move (OrderStore.transitionWith).
 */
export function paymentLedger(tableName: string) {
  /** Settles an unsettled ledger. */
  const settleWrite = (orderId: string, set: string, values: Record<string, unknown>): ConditionalUpdate => ({
    TableName: tableName,
    Key: ledgerKey(orderId),
    UpdateExpression: set,
    ConditionExpression: '#status = :none',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':none': 'NONE', ...values },
  });

  const get = async (orderId: string): Promise<Payment> => {
    const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: ledgerKey(orderId), ConsistentRead: true }));
    return toPayment(Item);
  };

  return {
    get,

    /** Counts one more attempt on an unsettled ledger; a settled one is returned as it is. */
    beginAttempt: (orderId: string): Promise<Payment> =>
      unlessConditionFails(
        dynamo
          .send(
            new UpdateCommand({
              TableName: tableName,
              Key: ledgerKey(orderId),
              UpdateExpression: 'SET #status = if_not_exists(#status, :none), charges = if_not_exists(charges, :zero) ADD attempts :one',
              ConditionExpression: 'attribute_not_exists(#status) OR #status = :none',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':none': 'NONE', ':zero': 0, ':one': 1 },
              ReturnValues: 'ALL_NEW',
            }),
          )
          .then(({ Attributes }) => toPayment(Attributes)),
        () => get(orderId),
      ),

    /**
     * Makes one ledger write on its own and returns the ledger as it then stands (a lost condition
     * leaves it as an earlier write settled it). The flows send these writes with the order's move.
     */
    write: (update: ConditionalUpdate): Promise<Payment> =>
      unlessConditionFails(
        dynamo.send(new UpdateCommand({ ...update, ReturnValues: 'ALL_NEW' })).then(({ Attributes }) => toPayment(Attributes)),
        () => get(String((update.Key as { pk: string }).pk).slice('ORDER#'.length)),
      ),

    /** The write that captures a charge on an unsettled ledger. */
    captureWrite: (orderId: string, chargeId: string) =>
      settleWrite(orderId, 'SET #status = :charged, chargeId = :chargeId, charges = charges + :one', {
        ':charged': 'CHARGED',
        ':chargeId': chargeId,
        ':one': 1,
      }),

    /** The write that records a permanent decline on an unsettled ledger. */
    declineWrite: (orderId: string) => settleWrite(orderId, 'SET #status = :declined', { ':declined': 'DECLINED' }),

    /** The write that returns a captured charge (refunding twice fails its condition). */
    refundWrite: (orderId: string): ConditionalUpdate => ({
      TableName: tableName,
      Key: ledgerKey(orderId),
      UpdateExpression: 'SET #status = :refunded',
      ConditionExpression: '#status = :charged',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':refunded': 'REFUNDED', ':charged': 'CHARGED' },
    }),
  };
}

export type PaymentLedger = ReturnType<typeof paymentLedger>;
