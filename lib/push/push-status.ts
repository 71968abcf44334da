import type { PushStore } from './push-store';
import type { StatusMessage } from './status-message';

/** Sends a message to one connection: GONE when the client is no longer connected. */
export type PostToConnection = (connectionId: string, message: string) => Promise<'SENT' | 'GONE'>;

export type PushDeps = { store: Pick<PushStore, 'subscribers' | 'removeConnection'>; post: PostToConnection };

export type PushOutcome = { sent: number; gone: number };

/** The subscribers the push could not reach for a reason other than their having gone; the change is pushed again. */
export class PushFailedError extends Error {
  constructor(
    readonly orderId: string,
    readonly failures: unknown[],
  ) {
    super(`Order ${orderId}: ${failures.length} subscriber(s) could not be reached`, { cause: failures[0] });
    this.name = 'PushFailedError';
  }
}

/**
 * Posts one change of an order to every connection subscribed to it, except those that subscribed
 * when the order had already reached it (their subscription's answer held it). A connection that
 * is gone is removed with its subscriptions, and never tried again; any other failure fails the
 * change, which is then pushed again (a subscriber reached the first time may hear it twice).
 */
export async function pushStatus(deps: PushDeps, message: StatusMessage): Promise<PushOutcome> {
  const subscribers = (await deps.store.subscribers(message.orderId)).filter((subscription) => subscription.since < message.at);
  const data = JSON.stringify(message);
  const outcomes = await Promise.allSettled(
    subscribers.map(async ({ connectionId }) => {
      const outcome = await deps.post(connectionId, data);
      if (outcome === 'GONE') await deps.store.removeConnection(connectionId, [message.orderId]);
      return outcome;
    }),
  );
  const failures = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => outcome.reason as unknown);
  if (failures.length > 0) throw new PushFailedError(message.orderId, failures);
  const reached = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<'SENT' | 'GONE'>).value);
  return { sent: reached.filter((outcome) => outcome === 'SENT').length, gone: reached.filter((outcome) => outcome === 'GONE').length };
}
