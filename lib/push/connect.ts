import type { PushStore } from './push-store';

export type ConnectDeps = {
  store: Pick<PushStore, 'saveConnection'>;
  /** The customer the token speaks for, or undefined when it is not good (never throws for a bad token). */
  customerOf: (token: string) => Promise<string | undefined>;
  now: () => Date;
};

/**
 * Whether a WebSocket connection may open, as HTTP statuses: as the HTTP API answers, no token is
 * 401 and a bad one 403. An admitted connection is recorded with its customer, whose orders alone it may follow.
 */
export async function admitConnection(deps: ConnectDeps, connectionId: string, token: string | undefined): Promise<200 | 401 | 403> {
  if (!token) return 401;
  const customerId = await deps.customerOf(token);
  if (!customerId) return 403;
  await deps.store.saveConnection(connectionId, customerId, deps.now());
  return 200;
}
