import { NotFoundError } from '../errors';

/** Our ids are UUIDs. Anything else cannot name a resource, and some (over 2 KB) DynamoDB would reject as a key. */
const PLAUSIBLE_ID = /^[0-9a-f-]{36}$/i;

/** The id a route names, or a 404 for `what` when it cannot be one of ours, before any store is read. */
export function idFromPath(value: string | undefined, what: string): string {
  if (value === undefined || !PLAUSIBLE_ID.test(value)) throw new NotFoundError(what);
  return value;
}
