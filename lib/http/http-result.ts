/** What an HTTP handler returns; lib/http turns it into API Gateway's response shape. */
export type HttpResult = {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
};

export const ok = (body: unknown, headers?: Record<string, string>): HttpResult => ({ status: 200, body, headers });
