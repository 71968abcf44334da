import http from 'node:http';
import { MAX_BODY_BYTES, pathMatcher, startConsoleServer, type ConsoleServer } from '../../../../offline/cloud/console/console-server';
import { badRequest, type ApiRequest, type Route } from '../../../../offline/cloud/console/route';

type Reply = { status: number; headers: http.IncomingHttpHeaders; text: string; json: any };

/** One request over a real socket; `chunked` sends the body without a content-length. */
function request(
  server: ConsoleServer,
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string>; chunked?: boolean } = {},
): Promise<Reply> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode!, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (options.body !== undefined && !options.chunked) req.setHeader('content-length', Buffer.byteLength(options.body));
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

describe('the console server', () => {
  const seen: ApiRequest[] = [];
  const logged: string[] = [];
  const routes: Route[] = [
    { method: 'GET', path: '/api/things', handle: (r) => (seen.push(r), { status: 200, body: { things: [], q: r.query.get('q') } }) },
    { method: 'GET', path: '/api/things/:id/parts/:part', handle: (r) => ({ status: 200, body: r.params }) },
    { method: 'POST', path: '/api/things/:id', handle: (r) => (seen.push(r), { status: 201, body: { got: r.body } }) },
    { method: 'DELETE', path: '/api/things/:id', handle: () => badRequest('cannot delete that') },
    {
      method: 'POST',
      path: '/api/broken',
      handle: () => {
        throw new Error('the queue orderflow-local-x does not exist');
      },
    },
    { method: 'GET', path: '/api/rejecting', handle: () => Promise.reject(new Error('the emulator went away')) },
  ];
  let server: ConsoleServer;

  beforeAll(async () => {
    server = await startConsoleServer({ port: 0, routes, log: (m) => logged.push(m) });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    seen.length = 0;
    logged.length = 0;
  });

  it('binds 127.0.0.1 and serves the page, its script compiled from TypeScript, and its styles', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await request(server, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<script src="/console.js"');
    const script = await request(server, 'GET', '/console.js');
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.text).toContain('/api/queues');
    expect(script.text).not.toMatch(/:\s*(Wiring|QueueDepth)\b/); // types are gone: it is JavaScript
    expect((await request(server, 'GET', '/console.css')).headers['content-type']).toMatch(/^text\/css/);
    expect((await request(server, 'GET', '/nothing.html')).status).toBe(404);
    expect((await request(server, 'POST', '/')).status).toBe(405);
  });

  it('matches :param segments, URL-decoded, and passes the query', async () => {
    const parts = await request(server, 'GET', '/api/things/a%2Fb/parts/c%20d');
    expect(parts).toMatchObject({ status: 200, json: { id: 'a/b', part: 'c d' } });
    const list = await request(server, 'GET', '/api/things?q=order%201');
    expect(list.json).toEqual({ things: [], q: 'order 1' });
    expect(seen[0].body).toBeUndefined();
  });

  it('parses a JSON body and answers what the route answers', async () => {
    const created = await request(server, 'POST', '/api/things/7', { body: '{"seconds": 60}', headers: { 'content-type': 'application/json' } });
    expect(created).toMatchObject({ status: 201, json: { got: { seconds: 60 } } });
    expect(await request(server, 'DELETE', '/api/things/7')).toMatchObject({
      status: 400,
      json: { error: { code: 'BAD_REQUEST', message: 'cannot delete that' } },
    });
  });

  it('refuses a body that is not JSON with 400, before the route sees it', async () => {
    const answer = await request(server, 'POST', '/api/things/7', { body: '{"seconds": 6' });
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('INVALID_JSON');
    expect(answer.json.error.message).toMatch(/^The body is not JSON/);
    expect(seen).toHaveLength(0);
  });

  it('refuses a body over the bound with 413, whether it declares its length or not', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(MAX_BODY_BYTES) });
    expect(await request(server, 'POST', '/api/things/7', { body: big })).toMatchObject({ status: 413, json: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    expect(await request(server, 'POST', '/api/things/7', { body: big, chunked: true })).toMatchObject({ status: 413 });
    expect(seen).toHaveLength(0);
    // A body just under the bound is taken.
    const fits = JSON.stringify({ pad: 'x'.repeat(MAX_BODY_BYTES - 20) });
    expect((await request(server, 'POST', '/api/things/7', { body: fits, chunked: true })).status).toBe(201);
  });

  it('answers 404 for an unknown /api path and 405 (with Allow) for a known path with another method', async () => {
    expect(await request(server, 'GET', '/api/nothing/here')).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND' } } });
    expect((await request(server, 'GET', '/api/things/7/parts')).status).toBe(404);
    const wrong = await request(server, 'PUT', '/api/things/7');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('POST, DELETE');
    expect(wrong.json.error.message).toBe('/api/things/7 answers POST, DELETE, not PUT');
  });

  it('turns a route that throws or rejects into a 500 with its message, logs it, and keeps serving', async () => {
    expect(await request(server, 'POST', '/api/broken')).toMatchObject({
      status: 500,
      json: { error: { code: 'INTERNAL', message: 'the queue orderflow-local-x does not exist' } },
    });
    expect(await request(server, 'GET', '/api/rejecting')).toMatchObject({ status: 500, json: { error: { message: 'the emulator went away' } } });
    expect(logged).toEqual([
      'console: POST /api/broken failed: the queue orderflow-local-x does not exist',
      'console: GET /api/rejecting failed: the emulator went away',
    ]);
    expect((await request(server, 'GET', '/api/things')).status).toBe(200);
  });

  it('answers 400 for a path that does not decode', async () => {
    expect(await request(server, 'GET', '/api/things/%E0%A4%A/parts/x')).toMatchObject({ status: 400, json: { error: { code: 'BAD_REQUEST' } } });
  });

  it("refuses requests another site's page makes: a foreign Origin or Host", async () => {
    const { port } = new URL(server.url);
    expect((await request(server, 'POST', '/api/things/1', { body: '{}', headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await request(server, 'GET', '/api/things', { headers: { host: `rebound.example:${port}` } })).status).toBe(403);
    expect((await request(server, 'POST', '/api/things/1', { body: '{}', headers: { origin: `http://127.0.0.1:${port}` } })).status).toBe(201);
    expect((await request(server, 'GET', '/api/things', { headers: { host: `localhost:${port}` } })).status).toBe(200);
    expect(seen).toHaveLength(2);
  });

  it('says which setting to change when its port is taken', async () => {
    const { port } = new URL(server.url);
    await expect(startConsoleServer({ port: Number(port), routes: [], log: () => undefined })).rejects.toThrow(/custom\.localCloud\.consolePort/);
  });
});

describe('pathMatcher', () => {
  it('matches segment by segment', () => {
    const match = pathMatcher('/api/queues/:name/redrive');
    expect(match('/api/queues/payments-dlq/redrive'.split('/'))).toEqual({ name: 'payments-dlq' });
    expect(match('/api/queues//redrive'.split('/'))).toBeUndefined();
    expect(match('/api/queues/x/redrive/more'.split('/'))).toBeUndefined();
    expect(match('/api/queues/x/peek'.split('/'))).toBeUndefined();
  });
});
