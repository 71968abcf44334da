import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { mintToken } from '../../lib/auth/mint-token';
import { API, tokenFor } from './support/api';
import { inPool } from './support/pool';
import { E2E_ENV } from './support/ports';
import { seededRandom, type Random } from './support/prng';

/*
 * SPEC §1 under hostile input: thousands of generated malformed requests, across every route and
 * method, must never get a 5xx or a stack trace; every error of our own has exactly SPEC's shape,
 * and API Gateway's own answers (auth failures, unknown routes) keep AWS's {"message"} shape; an answer
 * in any other shape (hapi's, serverless-offline's) fails the run.
 * The generator is seeded: FUZZ_SEED=<n> replays a run.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const REQUESTS = 1200;
const CONCURRENCY = 20;
const MAX_BODY_BYTES = 64 * 1024;
jest.setTimeout(300_000);

type Expected = { status: number; code?: string; gatewayMessage?: string };
type FuzzRequest = { label: string; method: string; path: string; headers: [string, string][]; body?: string | Uint8Array; expected?: Expected };
type Answer = { status: number; contentType: string; text: string; json: unknown };

const NOT_FOUND: Expected = { status: 404, gatewayMessage: 'Not Found' };
const UNAUTHORIZED: Expected = { status: 401, gatewayMessage: 'Unauthorized' };
const FORBIDDEN: Expected = { status: 403, gatewayMessage: 'Forbidden' };
const ours = (status: number, code: string): Expected => ({ status, code });

/* ---------------------------------------------------------------- values */

const KEY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz_';
const ANY_LATIN1 = Array.from({ length: 0xff - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
/** What a client can put in a header value: visible ASCII, space and obs-text bytes (not DEL, not other controls). */
const HEADER_SAFE = ANY_LATIN1.replace('\x7f', '');
const WEIRD_STRINGS = [
  '',
  ' ',
  'SKU-1 ',
  'sku-1',
  'SKU_1',
  `SKU-${'X'.repeat(40)}`,
  '\u0000',
  '\u202e',
  '😀',
  'é',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '${jndi:ldap://x}',
  '%s%n',
  '\\',
  '"',
  'null',
  '-1',
  'SKU-OOS',
  'SKU-404',
];
const NUMBERS = [0, -1, 1.5, 1001, 1e21, -0, 2 ** 53 + 1, 1e-7, 999.999];

function weirdString(r: Random): string {
  return r.chance(0.6) ? r.pick(WEIRD_STRINGS) : r.string(r.int(0, 40), ANY_LATIN1);
}

/** Any JSON value, scalars only once deep enough. */
function junk(r: Random, depth = 0): unknown {
  const scalars: [number, () => unknown][] = [
    [1, () => null],
    [1, () => r.chance(0.5)],
    [2, () => r.pick(NUMBERS)],
    [2, () => weirdString(r)],
    [1, () => 'x'.repeat(r.int(1000, 20_000))],
  ];
  if (depth >= 3) return r.weighted(scalars);
  return r.weighted([
    ...scalars,
    [1, () => []],
    [1, () => ({})],
    [2, () => Array.from({ length: r.int(1, 5) }, () => junk(r, depth + 1))],
    [2, () => Object.fromEntries(Array.from({ length: r.int(1, 5) }, () => [r.string(r.int(1, 10), KEY_ALPHABET), junk(r, depth + 1)]))],
  ]);
}

const nested = (depth: number): unknown => {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

/* ---------------------------------------------------------------- POST /orders bodies */

/** `json`: whether the text parses as JSON (undefined: it depends, e.g. on random bytes); `valid`: a good order. */
type OrderBody = { text: string | Uint8Array; valid: boolean; json?: boolean };

const validOrder = () => ({ items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_visa' });

/** Structural mutations of a valid order: wrong types, sizes and shapes at every level. */
const MUTATIONS: ((body: Record<string, any>, r: Random) => void)[] = [
  (b, r) => (b.items = junk(r)),
  (b, r) =>
    (b.items = Array.from({ length: r.int(0, 60) }, () =>
      r.chance(0.5) ? junk(r, 1) : { sku: r.pick(['SKU-1', 'SKU-2', 'SKU-OOS', 'NOPE-1']), quantity: r.int(-2, 1002) },
    )),
  (b, r) => (b.items[0].sku = r.chance(0.5) ? junk(r) : weirdString(r)),
  (b, r) => (b.items[0].quantity = r.pick<unknown>([...NUMBERS, '1', '1.0', null, [], {}, true])),
  (b, r) => (b.paymentToken = r.chance(0.5) ? junk(r) : r.pick(['tok_flaky_100', 'TOK_VISA', 'tok_visa ', '', 'tok_', 'tok_flaky_-1', 'tok_mastercard'])),
  (b, r) => delete b[r.pick(['items', 'paymentToken'])],
  (b, r) => delete b.items[0][r.pick(['sku', 'quantity'])],
  (b, r) => (b[r.string(r.int(1, 12), KEY_ALPHABET)] = junk(r)),
  (b, r) => (b.items[0][r.string(r.int(1, 12), KEY_ALPHABET)] = junk(r)),
  (b) => b.items.push({ ...b.items[0] }),
  (b, r) => (b.items = nested(r.int(50, 3000))),
  (b, r) => (b.pad = 'x'.repeat(r.chance(0.5) ? r.int(MAX_BODY_BYTES - 200, MAX_BODY_BYTES + 200) : r.int(70_000, 400_000))),
];

/** Texts that are not JSON at all, or not the JSON they look like. */
const NOT_JSON = [
  '',
  ' ',
  '{',
  '}',
  '{"items":',
  "{'items':[]}",
  'items=1&paymentToken=tok_visa',
  '<order/>',
  'NaN',
  'Infinity',
  'undefined',
  '\u0000',
  '[1,]',
  '{"items":[{"sku":"SKU-1","quantity":1}],"paymentToken":"tok_visa",}',
  '['.repeat(5000),
];
const JSON_NOT_AN_ORDER = ['null', '[]', '0', '"order"', 'true', '{}', '{"items":[],"items":5,"paymentToken":"tok_visa"}'];

function orderBody(r: Random): OrderBody {
  return r.weighted<OrderBody>([
    [
      50,
      () => {
        const body: Record<string, any> = validOrder();
        for (let i = r.int(1, 3); i > 0; i--) {
          if (!Array.isArray(body.items) || typeof body.items[0] !== 'object' || body.items[0] === null) body.items = [{ sku: 'SKU-2', quantity: 2 }];
          r.pick(MUTATIONS)(body, r);
        }
        return { text: JSON.stringify(body), valid: false, json: true };
      },
    ],
    [
      10,
      () => {
        const text = JSON.stringify(validOrder());
        return { text: text.slice(0, r.int(0, text.length - 1)), valid: false, json: false }; // a prefix of an object is never JSON
      },
    ],
    [10, () => ({ text: r.pick(NOT_JSON), valid: false, json: false })],
    [8, () => ({ text: r.pick(JSON_NOT_AN_ORDER), valid: false, json: true })],
    [5, () => ({ text: Uint8Array.from({ length: r.int(1, 300) }, () => r.int(0, 255)), valid: false })],
    // A byte order mark, which a JSON parser may refuse or skip.
    [2, () => ({ text: `\ufeff${JSON.stringify(validOrder())}`, valid: false })],
    [5, () => ({ text: JSON.stringify({ ...validOrder(), paymentToken: r.pick(['tok_visa', 'tok_declined', 'tok_flaky_1']) }), valid: true, json: true })],
  ]);
}

/** Content types: the media type we accept, ones we refuse, and ones whose answer depends on the runtime (see the report). */
const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/vnd.orderflow+json',
  'application/json;charset=UTF-8',
];
const OTHER_TYPES = [
  'text/plain',
  'multipart/form-data; boundary=----fuzz',
  'application/x-www-form-urlencoded',
  'text/json',
  'application/jsonx',
  'application/xml',
  'application/octet-stream',
  '*/*',
];
type ContentType = { headers: [string, string][]; kind: 'json' | 'other' | 'undecided' };

function contentType(r: Random): ContentType {
  return r.weighted<ContentType>([
    [70, () => ({ headers: [['content-type', r.pick(JSON_TYPES)]], kind: 'json' })],
    [15, () => ({ headers: [['content-type', r.pick(OTHER_TYPES)]], kind: 'other' })],
    // utf-16 with a UTF-8 body, none at all (serverless-offline then assumes JSON, API Gateway does not), and two of them.
    [5, () => ({ headers: [['content-type', 'application/json; charset=utf-16']], kind: 'undecided' })],
    [5, () => ({ headers: [], kind: 'undecided' })],
    [
      5,
      () => ({
        headers: [
          ['content-type', 'application/json'],
          ['content-type', r.pick(OTHER_TYPES)],
        ],
        kind: 'undecided',
      }),
    ],
  ]);
}

/** Idempotency-Key: none, a good one, a reused one (409 on another body), and ones that break the 1-128 visible ASCII rule. */
const REUSED_KEYS = Array.from({ length: 5 }, () => `fuzz-${randomUUID()}`);
function idempotencyKey(r: Random): { headers: [string, string][]; valid: boolean } {
  return r.weighted<{ headers: [string, string][]; valid: boolean }>([
    [60, () => ({ headers: [], valid: true })],
    [10, () => ({ headers: [['idempotency-key', randomUUID()]], valid: true })],
    [5, () => ({ headers: [['idempotency-key', r.pick(REUSED_KEYS)]], valid: true })],
    [3, () => ({ headers: [['idempotency-key', 'k'.repeat(128)]], valid: true })],
    [
      22,
      () => ({
        headers: r.pick<[string, string][]>([
          [['idempotency-key', 'k'.repeat(r.int(129, 600))]],
          [['idempotency-key', 'tab\there']],
          [['idempotency-key', 'with space']],
          [['idempotency-key', 'clé-é']],
          [['idempotency-key', 'c1\x85control']],
          [
            ['idempotency-key', 'first'],
            ['idempotency-key', 'second'],
          ],
        ]),
        valid: false,
      }),
    ],
  ]);
}

/* ---------------------------------------------------------------- tokens */

type Credentials = { valid: string; bad: { header: string; label: string }[] };

async function credentials(customerId: string): Promise<Credentials> {
  const secret = E2E_ENV.AUTH_JWT_SECRET;
  const valid = await tokenFor(customerId);
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const inAnHour = Math.floor(Date.now() / 1000) + 3600;
  const [header, payload, signature] = valid.split('.');
  const bearer = (token: string, label: string) => ({ header: `Bearer ${token}`, label });
  return {
    valid,
    bad: [
      bearer(await mintToken(customerId, secret, -300), 'expired'),
      bearer(await mintToken(customerId, 'not-the-e2e-secret'), 'wrong secret'),
      bearer(`${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: customerId, exp: inAnHour })}.`, 'alg none'),
      bearer(
        await new SignJWT({}).setProtectedHeader({ alg: 'HS512' }).setSubject(customerId).setExpirationTime(inAnHour).sign(new TextEncoder().encode(secret)),
        'HS512',
      ),
      bearer(await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(inAnHour).sign(new TextEncoder().encode(secret)), 'no sub'),
      bearer(`${header}.${b64({ sub: 'someone-else', exp: inAnHour })}.${signature}`, 'tampered payload'),
      bearer(`${header}.${payload}`, 'two segments'),
      bearer('not-a-jwt', 'garbage'),
      bearer('x'.repeat(4000), 'huge garbage'),
      bearer(`${valid} extra`, 'trailing junk'),
      { header: 'Bearer', label: 'scheme only' },
      { header: 'Basic dXNlcjpwYXNz', label: 'basic' },
      { header: valid, label: 'no scheme' },
    ],
  };
}

/** The Authorization header, and what API Gateway answers before our code runs. */
function authorization(r: Random, creds: Credentials): { headers: [string, string][]; expected?: Expected } {
  return r.weighted<{ headers: [string, string][]; expected?: Expected }>([
    [75, () => ({ headers: [['authorization', r.chance(0.9) ? `Bearer ${creds.valid}` : `bearer ${creds.valid}`]] })],
    [8, () => ({ headers: [], expected: UNAUTHORIZED })],
    [2, () => ({ headers: [['authorization', '']], expected: UNAUTHORIZED })],
    [15, () => ({ headers: [['authorization', r.pick(creds.bad).header]], expected: FORBIDDEN })],
  ]);
}

/* ---------------------------------------------------------------- noise */

function oddHeaders(r: Random): [string, string][] {
  if (r.chance(0.7)) return [];
  const choices: (() => [string, string])[] = [
    () => ['x-correlation-id', r.pick(['ok-id-1', '', 'x'.repeat(5000), 'bad id with spaces', r.string(20, HEADER_SAFE).trim()])],
    () => ['accept', r.pick(['text/html', '*/*', 'application/xml', 'nonsense'])],
    () => ['accept-encoding', r.pick(['gzip, br', 'identity', 'x-unknown'])],
    () => ['content-encoding', r.pick(['gzip', 'br', 'x-unknown'])],
    () => ['x-forwarded-for', r.pick(['not-an-ip', '999.999.1.1', '::1, 10.0.0.1'])],
    () => ['cookie', `session=${'c'.repeat(r.int(1, 2000))}`],
    () => ['x-amzn-trace-id', r.string(30, HEADER_SAFE).trim()],
    () => ['origin', 'http://evil.example'],
    () => [`x-fuzz-${r.string(r.int(1, 20), KEY_ALPHABET)}`, r.string(r.int(0, 200), HEADER_SAFE).trim()],
  ];
  return Array.from({ length: r.int(1, 8) }, () => r.pick(choices)());
}

/* ---------------------------------------------------------------- requests */

const ID_VARIANTS: [number, (r: Random) => { id: string; expected?: Expected }][] = [
  [4, () => ({ id: randomUUID(), expected: ours(404, 'NOT_FOUND') })],
  [2, () => ({ id: randomUUID().toUpperCase(), expected: ours(404, 'NOT_FOUND') })],
  [2, () => ({ id: 'a'.repeat(3 * 1024), expected: ours(404, 'NOT_FOUND') })],
  [2, (r) => ({ id: r.string(r.int(1, 200), 'abcdef0123456789-'), expected: ours(404, 'NOT_FOUND') })],
  [1, () => ({ id: randomUUID().replace(/-/g, ''), expected: ours(404, 'NOT_FOUND') })],
  [1, () => ({ id: `${randomUUID()}?x=1`, expected: ours(404, 'NOT_FOUND') })],
  // Percent-encoded junk: what the runtime decodes it to is its own business, but never a 5xx.
  [
    4,
    (r) => ({ id: r.pick(['%00', '%F0%9F%98%80', '%C0%AF', '%2e%2e', '%zz', '%', '%25', '%E2%80%AE', '%0d%0a', encodeURIComponent(weirdString(r)) || '%20']) }),
  ],
];

const GOOD_DATES = () => [new Date().toISOString().slice(0, 10), '2024-02-29', '1970-01-01'];
const BAD_DATES = [
  '2026-02-30',
  '2026-13-01',
  '2023-02-29',
  '2026-1-1',
  '26-11-22',
  '2026/11/22',
  '2026-11-22T00:00:00Z',
  'today',
  '%20',
  'x'.repeat(3000),
  '9999-99-99',
  '0000-00-00',
  '+2026-11-22',
  '2026-11-22%00',
];

function salesQuery(r: Random): { query: string; expected?: Expected } {
  return r.weighted<{ query: string; expected?: Expected }>([
    [2, () => ({ query: '', expected: { status: 200 } })],
    [3, () => ({ query: `?date=${r.pick(GOOD_DATES())}`, expected: { status: 200 } })],
    [10, () => ({ query: `?date=${r.pick(BAD_DATES)}`, expected: ours(400, 'VALIDATION_FAILED') })],
    // Empty, repeated, oddly named or undecodable: the runtime decides what reaches us.
    [
      3,
      () => ({
        query: r.pick([
          '?date=',
          '?date=2026-11-22&date=2026-11-23',
          '?DATE=2026-01-01',
          '?date[]=2026-01-01',
          '?other=1',
          '?date',
          '?&&&',
          '?date=%zz',
          `?date=${encodeURIComponent(weirdString(r))}`,
        ]),
      }),
    ],
  ]);
}

/** Paths no route matches, and routes called with a method they do not have: API Gateway's 404. */
const UNKNOWN_ROUTES: [string, (id: string) => string][] = [
  ['GET', () => '/'],
  ['GET', () => '/order'],
  ['GET', () => '/ORDERS'],
  ['GET', () => '/orders'],
  ['PUT', () => '/orders'],
  ['DELETE', (id) => `/orders/${id}`],
  ['PATCH', (id) => `/orders/${id}`],
  ['POST', (id) => `/orders/${id}`],
  ['GET', (id) => `/orders/${id}/items`],
  ['POST', () => '/health'],
  ['DELETE', () => '/products'],
  ['GET', () => '/products/SKU-1'],
  ['GET', () => '/imports'],
  ['PUT', (id) => `/imports/${id}`],
  ['GET', () => '/reports'],
  ['POST', () => '/reports/sales'],
  ['GET', () => '/reports/sales/2026-01-01'],
  ['GET', () => `/${'z'.repeat(3000)}`],
  ['GET', () => '/.env'],
];

function generate(r: Random, creds: Credentials): FuzzRequest {
  const noise = oddHeaders(r);
  return r.weighted<FuzzRequest>([
    [
      40,
      () => {
        const auth = authorization(r, creds);
        const body = orderBody(r);
        const type = body.text instanceof Uint8Array && r.chance(0.5) ? { headers: [] as [string, string][], kind: 'undecided' as const } : contentType(r);
        const key = idempotencyKey(r);
        const bytes = typeof body.text === 'string' ? Buffer.byteLength(body.text) : body.text.length;
        // What our function must answer, in the order it checks: size, media type, JSON, then the key.
        const expected =
          auth.expected ??
          (bytes > MAX_BODY_BYTES
            ? ours(413, 'PAYLOAD_TOO_LARGE')
            : type.kind === 'other'
              ? ours(415, 'UNSUPPORTED_MEDIA_TYPE')
              : type.kind === 'undecided'
                ? undefined
                : body.json === false
                  ? ours(400, 'INVALID_JSON')
                  : body.valid && !key.valid
                    ? ours(400, 'VALIDATION_FAILED')
                    : undefined);
        return {
          label: 'POST /orders',
          method: 'POST',
          path: '/orders',
          headers: [...auth.headers, ...type.headers, ...key.headers, ...noise],
          body: body.text,
          expected,
        };
      },
    ],
    [
      14,
      () => {
        const auth = authorization(r, creds);
        const route = r.pick(['orders', 'imports']);
        const { id, expected } = r.weighted(ID_VARIANTS.map(([weight, variant]) => [weight, () => variant(r)] as [number, () => ReturnType<typeof variant>]));
        return {
          label: `GET /${route}/{id}`,
          method: 'GET',
          path: `/${route}/${id}`,
          headers: [...auth.headers, ...noise],
          expected: expected && (auth.expected ?? expected),
        };
      },
    ],
    [
      6,
      () => {
        const auth = authorization(r, creds);
        const body = r.chance(0.5) ? undefined : (junkText(r) as string);
        return {
          label: 'POST /imports',
          method: 'POST',
          path: '/imports',
          headers: [...auth.headers, ...noise],
          body,
          expected: auth.expected ?? { status: 201 },
        };
      },
    ],
    [
      14,
      () => {
        const auth = authorization(r, creds);
        const { query, expected } = salesQuery(r);
        return {
          label: 'GET /reports/sales',
          method: 'GET',
          path: `/reports/sales${query}`,
          headers: [...auth.headers, ...noise],
          expected: auth.expected ?? expected,
        };
      },
    ],
    [
      8,
      () => {
        const path = r.pick(['/health', '/products']);
        // Public routes: a token, good or bad, changes nothing.
        const headers: [string, string][] = r.chance(0.3) ? [['authorization', r.pick(creds.bad).header]] : [];
        return {
          label: `GET ${path}`,
          method: 'GET',
          path: `${path}${r.chance(0.2) ? '?x=%zz&y' : ''}`,
          headers: [...headers, ...noise],
          expected: { status: 200 },
        };
      },
    ],
    [
      14,
      () => {
        const [method, path] = r.pick(UNKNOWN_ROUTES);
        const headers: [string, string][] = r.chance(0.5) ? [['authorization', `Bearer ${creds.valid}`]] : [];
        const body = method === 'GET' ? undefined : (junkText(r) as string);
        return { label: 'unknown route', method, path: path(randomUUID()), headers: [...headers, ...noise], body, expected: NOT_FOUND };
      },
    ],
    [
      4,
      () => {
        // HEAD and OPTIONS on real routes, and percent-encoded junk paths: the runtime's answer varies, a 5xx never.
        const method = r.pick(['HEAD', 'OPTIONS']);
        const path = r.pick([
          '/health',
          '/orders',
          `/orders/${randomUUID()}`,
          '/reports/sales',
          '/%zz',
          '/orders/%zz',
          '/%00',
          '/..%2f..%2fetc%2fpasswd',
          '/orders/..%2fhealth',
        ]);
        return { label: `${method} or odd path`, method, path, headers: noise };
      },
    ],
  ]);
}

const junkText = (r: Random) => JSON.stringify(junk(r)) ?? 'null';

/* ---------------------------------------------------------------- sending and judging */

async function send(request: FuzzRequest): Promise<Answer> {
  const headers = new Headers();
  for (const [name, value] of request.headers) headers.append(name, value);
  // fetch labels a string body text/plain unless told otherwise; bytes go without a content type.
  const body = typeof request.body === 'string' && !headers.has('content-type') ? Buffer.from(request.body) : request.body;
  const response = await fetch(`${API}${request.path}`, { method: request.method, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, json };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const STACK_TRACE = /\bat (?:async )?[\w$.<>]+ \(|\bat (?:file:\/\/)?\/[\w./-]+:\d+:\d+|\b[A-Z]\w*Error: |"(?:stackTrace|stack|errorType)"/;
// 400: a path API Gateway cannot decode (e.g. /orders/%zz).
const GATEWAY_MESSAGES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Request Entity Too Large',
};

/** Answers only the local runtime gives (API Gateway answers these {"message": ...} or passes the request on): each one a failure. */
function localDeviation(answer: Answer): string | undefined {
  const body = answer.json;
  if (isObject(body) && 'currentRoute' in body && 'existingRoutes' in body)
    return `serverless-offline's own 404 body ({currentRoute, existingRoutes, ...}) for an unknown route`;
  if (isObject(body) && typeof body.error === 'string' && typeof body.statusCode === 'number')
    return `hapi's error body {statusCode, error, message} (${answer.status} ${String(body.message).slice(0, 60)})`;
  if (answer.status === 400 && answer.text === '') return "node's empty 400 (request line or headers rejected by the HTTP parser)";
  return undefined;
}

/** Everything wrong with one answer; an empty list when it is fine. */
function judge(request: FuzzRequest, answer: Answer): string[] {
  const problems: string[] = [];
  const body = answer.json;
  if (answer.status >= 500) problems.push(`a ${answer.status}`);
  if (STACK_TRACE.test(answer.text) || (isObject(body) && ('errorType' in body || 'errorMessage' in body)))
    problems.push('a stack trace or a Lambda error in the body');
  if (request.method === 'HEAD') return problems; // no body to judge
  // The local runtime answered on its own, where API Gateway would answer {"message"} or pass the request on.
  const deviation = localDeviation(answer);
  if (deviation) return [...problems, deviation];

  if (isObject(body) && isObject(body.error)) {
    // One of ours: exactly SPEC's shape.
    const error = body.error;
    if (Object.keys(body).join() !== 'error') problems.push(`keys beside "error": ${Object.keys(body).join(', ')}`);
    if (Object.keys(error).sort().join() !== 'code,details,message') problems.push(`error keys ${Object.keys(error).sort().join(', ')}`);
    if (typeof error.code !== 'string' || !/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/.test(error.code))
      problems.push(`code ${JSON.stringify(error.code)} is not UPPER_SNAKE`);
    if (typeof error.message !== 'string' || error.message.length === 0) problems.push('message is not a sentence');
    if (!Array.isArray(error.details)) problems.push('details is not an array');
    if (answer.status < 400 || answer.status >= 500) problems.push(`an error body with status ${answer.status}`);
    if (!answer.contentType.startsWith('application/json')) problems.push(`content-type ${answer.contentType}`);
  } else if (isObject(body) && Object.keys(body).join() === 'message') {
    // API Gateway's own answer: its exact message for the status.
    if (GATEWAY_MESSAGES[answer.status] !== body.message) problems.push(`gateway answer ${answer.status} ${JSON.stringify(body)}`);
  } else if (answer.status >= 400) {
    problems.push(`an error that is neither ours nor API Gateway's: ${answer.text.slice(0, 200)}`);
  }

  const expected = request.expected;
  if (expected) {
    if (answer.status !== expected.status) problems.push(`status ${answer.status}, expected ${expected.status}`);
    if (expected.code && (!isObject(body) || !isObject(body.error) || body.error.code !== expected.code)) problems.push(`expected code ${expected.code}`);
    if (expected.gatewayMessage && !(isObject(body) && body.message === expected.gatewayMessage))
      problems.push(`expected {"message":"${expected.gatewayMessage}"}`);
  }
  return problems;
}

/* ---------------------------------------------------------------- the run */

/** How often each kind of problem occurred (numbers and ids stripped, so alike problems group). */
const problemCounts = (violations: { problems: string[] }[]) => {
  const counts = new Map<string, number>();
  for (const problem of violations.flatMap((v) => v.problems)) {
    const kind = problem.replace(/\d+/g, 'N').slice(0, 80);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
};

describe(`HTTP fuzzing: ${REQUESTS} generated malformed requests (seed ${SEED})`, () => {
  const statuses = new Map<number, number>();
  const codes = new Map<string, number>();
  const deviations = new Map<string, { count: number; example: string }>();
  const violations: { request: string; status: number; body: string; problems: string[] }[] = [];
  let requests: FuzzRequest[] = [];
  let seconds = 0;

  beforeAll(async () => {
    const r = seededRandom(SEED);
    const creds = await credentials(`e2e-fuzz-${SEED}`);
    requests = Array.from({ length: REQUESTS }, () => generate(r, creds));
    // Warm one instance per concurrent request of each function, so cold starts do not count as answers.
    await inPool(
      Array.from({ length: CONCURRENCY * 2 }, (_, i) => i),
      CONCURRENCY,
      async (i) => {
        const auth: [string, string][] = [['authorization', `Bearer ${creds.valid}`]];
        const warm = [
          { method: 'POST', path: '/orders', headers: [...auth, ['content-type', 'application/json']], body: '{}' },
          { method: 'GET', path: `/orders/${randomUUID()}`, headers: auth },
          { method: 'GET', path: `/imports/${randomUUID()}`, headers: auth },
          { method: 'GET', path: '/reports/sales?date=bad', headers: auth },
          { method: 'GET', path: i % 2 ? '/health' : '/products', headers: [] },
        ] as FuzzRequest[];
        for (const request of warm) await send(request).catch(() => undefined);
      },
    );
  });

  it('never answers 5xx or a stack trace, and every error has its exact shape and expected status', async () => {
    const started = Date.now();
    await inPool(requests, CONCURRENCY, async (request) => {
      const answer = await send(request).catch((error: Error) => ({
        status: 0,
        contentType: '',
        text: `client error: ${error.message} ${String((error as Error & { cause?: unknown }).cause)}`,
        json: undefined,
      }));
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (isObject(answer.json) && isObject(answer.json.error)) codes.set(String(answer.json.error.code), (codes.get(String(answer.json.error.code)) ?? 0) + 1);
      const deviation = request.method === 'HEAD' ? undefined : localDeviation(answer);
      const contentType = request.headers
        .filter(([name]) => name === 'content-type')
        .map(([, value]) => value)
        .join(' + ');
      if (deviation)
        deviations.set(deviation, {
          count: (deviations.get(deviation)?.count ?? 0) + 1,
          example: `${request.method} ${request.path.slice(0, 60)}${contentType ? ` (content-type ${contentType})` : ''}`,
        });
      const problems = answer.status === 0 ? [answer.text] : judge(request, answer);
      if (problems.length > 0) {
        violations.push({
          request: `${request.label}: ${request.method} ${request.path.slice(0, 120)} ${JSON.stringify(request.headers).slice(0, 200)} body ${String(request.body ?? '').slice(0, 120)}`,
          status: answer.status,
          body: answer.text.slice(0, 300),
          problems,
        });
      }
    });
    seconds = (Date.now() - started) / 1000;

    expect(requests.length).toBeGreaterThanOrEqual(1000);
    expect(violations.slice(0, 20)).toEqual([]);
    expect(violations).toHaveLength(0);
  });

  afterAll(() => {
    const sorted = <K>(map: Map<K, number>) =>
      [...map]
        .sort(([a], [b]) => String(a).localeCompare(String(b)))
        .map(([k, n]) => `${k}: ${n}`)
        .join(', ');
    console.log(
      [
        `http fuzz: seed ${SEED} (FUZZ_SEED=${SEED} replays it), ${requests.length} requests, ${CONCURRENCY} at a time, in ${seconds.toFixed(1)} s`,
        `  statuses: ${sorted(statuses)}`,
        `  our error codes: ${sorted(codes)}`,
        `  violations: ${violations.length}${violations.length ? ` (${sorted(problemCounts(violations))})` : ''}`,
        `  local runtime answers that API Gateway gives as {"message": ...}:`,
        ...[...deviations].map(([what, { count, example }]) => `    ${count} x ${what}, e.g. ${example}`),
      ].join('\n'),
    );
  });
});
