import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOn } from '../emulators/listen';
import { loadConsolePage, type ConsolePage } from './console-page';
import { notFound, type ApiResponse, type Route } from './route';

/** Larger bodies are refused (413): every request of the console's API is a small JSON object. */
export const MAX_BODY_BYTES = 64 * 1024;

export type ConsoleServer = { url: string; close(): Promise<void> };

const error = (status: number, code: string, message: string): ApiResponse => ({ status, body: { error: { code, message } } });

/**
 * The local cloud's console: the page at `/` and every route's JSON API under `/api/`, on 127.0.0.1.
 * A route that throws answers 500 with its message; nothing a request does can stop the cloud's process.
 */
export async function startConsoleServer(options: { port: number; routes: Route[]; log(message: string): void }): Promise<ConsoleServer> {
  const page = await loadConsolePage();
  const matchers = options.routes.map((route) => ({ route, match: pathMatcher(route.path) }));
  const server = http.createServer(function serveConsole(request, response) {
    handleRequest(request, response).catch((failure: Error) => {
      options.log(`console: ${request.method} ${request.url} failed: ${failure.message}`);
      if (!response.headersSent) sendJson(response, error(500, 'INTERNAL', failure.message));
      else response.destroy();
    });
  });

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const refused = refuseForeign(request, port);
    if (refused) return sendJson(response, refused);
    if (!url.pathname.startsWith('/api/')) return servePage(page, url.pathname, request, response);

    let segments: string[];
    try {
      segments = url.pathname.split('/').map(decodeURIComponent);
    } catch {
      return sendJson(response, error(400, 'BAD_REQUEST', `${url.pathname} is not a well-formed path`));
    }
    const found = matchers.map(({ route, match }) => ({ route, params: match(segments) })).filter((m) => m.params);
    if (found.length === 0) return sendJson(response, notFound(`No console API at ${request.method} ${url.pathname}`));
    const chosen = found.find((m) => m.route.method === request.method);
    if (!chosen) {
      const allowed = [...new Set(found.map((m) => m.route.method))].join(', ');
      return sendJson(response, error(405, 'METHOD_NOT_ALLOWED', `${url.pathname} answers ${allowed}, not ${request.method}`), { allow: allowed });
    }

    const body = await readJsonBody(request);
    if ('refusal' in body) return sendJson(response, body.refusal);
    let answer: ApiResponse;
    try {
      answer = await chosen.route.handle({ params: chosen.params!, query: url.searchParams, body: body.value });
    } catch (failure) {
      options.log(`console: ${request.method} ${url.pathname} failed: ${(failure as Error).message}`);
      answer = error(500, 'INTERNAL', (failure as Error).message ?? String(failure));
    }
    sendJson(response, answer);
  }

  await listenOn(server, options.port, 'the console, custom.localCloud.consolePort');
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `/api/queues/:name/messages` as a function of a path's segments: the params, or undefined when it does not match. */
export function pathMatcher(path: string): (segments: string[]) => Record<string, string> | undefined {
  const pattern = path.split('/');
  return (segments) => {
    if (segments.length !== pattern.length) return undefined;
    const params: Record<string, string> = {};
    for (const [i, part] of pattern.entries()) {
      if (part.startsWith(':')) {
        if (segments[i] === '') return undefined;
        params[part.slice(1)] = segments[i];
      } else if (part !== segments[i]) return undefined;
    }
    return params;
  };
}

/**
 * Only the console's own page may act through it: a request another site's page makes from the
 * browser (cross-origin, or through a DNS name rebound to 127.0.0.1) is refused.
 */
function refuseForeign(request: IncomingMessage, port: number): ApiResponse | undefined {
  const own = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (request.headers.host && !own.includes(request.headers.host)) return error(403, 'FORBIDDEN', `The console answers at 127.0.0.1:${port} only`);
  const origin = request.headers.origin;
  if (origin && !own.some((host) => origin === `http://${host}`)) return error(403, 'FORBIDDEN', `Requests from ${origin} are refused`);
  return undefined;
}

async function readJsonBody(request: IncomingMessage): Promise<{ value: unknown } | { refusal: ApiResponse }> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    request.resume();
    return { refusal: error(413, 'PAYLOAD_TOO_LARGE', `The body is ${declared} bytes; the console takes at most ${MAX_BODY_BYTES}`) };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    // A chunked body declares no length: counted as it arrives, and the rest is not kept.
    if (size > MAX_BODY_BYTES) {
      request.resume();
      return { refusal: error(413, 'PAYLOAD_TOO_LARGE', `The body is over ${MAX_BODY_BYTES} bytes, the most the console takes`) };
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { value: undefined };
  try {
    return { value: JSON.parse(text) };
  } catch (failure) {
    return { refusal: error(400, 'INVALID_JSON', `The body is not JSON: ${(failure as Error).message}`) };
  }
}

function servePage(page: ConsolePage, pathname: string, request: IncomingMessage, response: ServerResponse): void {
  const file = page.files.get(pathname === '/' ? '/index.html' : pathname);
  if (!file) return sendJson(response, notFound(`Nothing at ${pathname}: the console is at /`));
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return sendJson(response, error(405, 'METHOD_NOT_ALLOWED', `${pathname} answers GET`), { allow: 'GET' });
  response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  response.end(request.method === 'HEAD' ? undefined : file.content);
}

function sendJson(response: ServerResponse, answer: ApiResponse, headers: Record<string, string> = {}): void {
  response.writeHead(answer.status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  response.end(JSON.stringify(answer.body));
}
