import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

const EVENTS_DIR = join(__dirname, '..', '..', 'events');

/** Ids the sample events in events/ are written around. */
export const SAMPLE = {
  customerId: '8d2f4b1e-6c3a-4f7d-9b2e-1a5c3e7f9d01',
  /** The order processPayment.json pays (seeded PENDING), and getOrder.json reads. */
  orderId: '3f1c9a52-7e4b-4c8d-a1f6-0b2d4e6f8a10',
  /** The order reserveInventory.json confirms (seeded PAID, its charge captured). */
  paidOrderId: '5b8d2e71-9c4a-4f3b-8e6d-1a2c3b4d5e20',
  /** The order whose INSERT and MODIFY to PAID publishOrderEvents.json carries (seeded PAID, its charge captured). */
  outboxOrderId: '2e6a4d93-8b5c-4e7f-a0d1-3c4e5f6a7b50',
  /** The order notifyCustomer.json mails about (seeded CONFIRMED). */
  confirmedOrderId: '7c9e3f82-ad5b-4a4c-9f7e-2b3d4c5e6f30',
  importId: '9a7e5c31-2b4d-4f6a-8c1e-3d5f7b9a1c20',
  correlationId: 'b7e4c2a9-5d3f-4e1b-8a6c-2f9d0e1b3c40',
  /** The local stage's documented default JWT secret, which signed the sample bearer token. */
  localJwtSecret: 'orderflow-local-dev-secret',
} as const;

/** A fresh copy of events/<name>.json on every call: Middy chains mutate the events they get. */
export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(EVENTS_DIR, `${name}.json`), 'utf8')) as T;
}

export function fixtureText(file: string): string {
  return readFileSync(join(EVENTS_DIR, file), 'utf8');
}

type HttpChanges = {
  /** An object is sent as JSON; a string is sent as it is. */
  body?: unknown;
  headers?: Record<string, string | undefined>;
  /** The authorizer's customer; undefined keeps the fixture's. */
  customerId?: string;
  pathParameters?: Record<string, string>;
  queryStringParameters?: Record<string, string> | undefined;
  base64?: boolean;
};

/** An HTTP API v2 event built from a fixture, changed where a test needs it to be. */
export function httpEvent(name: string, changes: HttpChanges = {}): APIGatewayProxyEventV2 {
  const event = fixture<APIGatewayProxyEventV2 & { requestContext: { authorizer?: { lambda: { customerId: string } } } }>(name);
  if ('body' in changes) {
    const text = typeof changes.body === 'string' ? changes.body : JSON.stringify(changes.body);
    event.body = changes.base64 ? Buffer.from(text).toString('base64') : text;
    event.isBase64Encoded = changes.base64 ?? false;
    event.headers['content-length'] = String(Buffer.byteLength(text));
  }
  for (const [header, value] of Object.entries(changes.headers ?? {})) {
    if (value === undefined) delete event.headers[header];
    else event.headers[header] = value;
  }
  if (changes.customerId !== undefined) event.requestContext.authorizer = { lambda: { customerId: changes.customerId } };
  if (changes.pathParameters) {
    event.pathParameters = changes.pathParameters;
    const [, resource] = event.rawPath.split('/');
    event.rawPath = `/${resource}/${Object.values(changes.pathParameters)[0]}`;
    event.requestContext.http.path = event.rawPath;
  }
  if ('queryStringParameters' in changes) {
    event.queryStringParameters = changes.queryStringParameters;
    event.rawQueryString = new URLSearchParams(changes.queryStringParameters ?? {}).toString();
  }
  return event;
}

export type HttpAnswer = {
  status: number;
  headers: Record<string, string>;
  // Parsed JSON, asserted field by field.
  body: any;
};

type HttpHandler = (event: never, context: Context) => Promise<APIGatewayProxyStructuredResultV2 | void>;

/** Invokes an HTTP handler and reads its response the way API Gateway does. */
export async function invokeHttp(handler: HttpHandler, event: APIGatewayProxyEventV2, context: Context): Promise<HttpAnswer> {
  const response = (await handler(event as never, context)) as APIGatewayProxyStructuredResultV2;
  const text = response.body ?? '';
  return {
    status: response.statusCode ?? 200,
    headers: (response.headers ?? {}) as Record<string, string>,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

/** The SPEC §1 error body every HTTP error answer must have, exactly. */
export function expectErrorShape(answer: HttpAnswer, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toBe('application/json');
  expect(Object.keys(answer.body)).toEqual(['error']);
  expect(Object.keys(answer.body.error).sort()).toEqual(['code', 'details', 'message']);
  expect(answer.body.error.code).toBe(code);
  expect(typeof answer.body.error.message).toBe('string');
  expect(answer.body.error.message.length).toBeGreaterThan(0);
  expect(Array.isArray(answer.body.error.details)).toBe(true);
}
