/**
 * One route of the console's JSON API (`/api/...` on the console's port). Each part of the local cloud
 * that the console shows or controls (traces, queues, the clock, faults) exports its routes; the
 * console server only matches and serves them, so each part is tested without the others.
 */
export type ApiRequest = {
  /** Path parameters, by the name after `:` in the route's path (URL-decoded). */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body, parsed; undefined when there is none. A body that is not JSON is refused before a route sees it. */
  body: unknown;
};

export type ApiResponse = { status: number; body: unknown };

export type Route = {
  method: 'GET' | 'POST' | 'DELETE';
  /** e.g. `/api/traces/:correlationId`; a `:name` segment matches one path segment. */
  path: string;
  handle(request: ApiRequest): ApiResponse | Promise<ApiResponse>;
};

/** A 400 that names what is wrong with the request, in the local cloud's error shape. */
export const badRequest = (message: string): ApiResponse => ({ status: 400, body: { error: { code: 'BAD_REQUEST', message } } });

export const notFound = (message: string): ApiResponse => ({ status: 404, body: { error: { code: 'NOT_FOUND', message } } });
