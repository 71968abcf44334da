import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** True when a DynamoDB write lost its condition: the normal outcome of an idempotent write. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/**
 * The code of each item of a cancelled transaction, in the order of its TransactItems ('None' for
 * an item that was fine, 'ConditionalCheckFailed', 'TransactionConflict'…), or undefined when the
 * error is not a cancelled transaction.
 */
export function cancellationReasons(error: unknown): string[] | undefined {
  const cancelled = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  if (cancelled?.name !== 'TransactionCanceledException' || !Array.isArray(cancelled.CancellationReasons)) return undefined;
  return cancelled.CancellationReasons.map((reason) => reason.Code ?? 'None');
}

/**
 * Waits for a conditional write. A lost condition is the normal outcome of an idempotent write, not
 * an error: `otherwise` says what it means (typically, reading what an earlier write left).
 */
export async function unlessConditionFails<T, U>(write: Promise<T>, otherwise: () => U | Promise<U>): Promise<T | U> {
  try {
    return await write;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return otherwise();
  }
}
