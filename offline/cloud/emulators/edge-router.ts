import http, { type IncomingMessage, type ServerResponse } from 'node:http';

/** A request handler served in-process, or the port of an emulator on 127.0.0.1 to forward to. */
export type Route = number | ((req: IncomingMessage, res: ServerResponse) => void | Promise<void>);

// DynamoDB Streams is signed (and so routed) as `dynamodb`, like DynamoDB: the dynamodb route tells them apart.
const TARGET_PREFIX: Record<string, string> = {
  DynamoDB_20120810: 'dynamodb',
  DynamoDBStreams_20120810: 'dynamodb',
  Kinesis_20131202: 'kinesis',
  AWSEvents: 'events',
};

/**
 * The AWS service a request is for, read the way LocalStack's edge port reads it: from the SigV4
 * credential scope (header or presigned query), else from X-Amz-Target.
 */
export function serviceOf(req: Pick<IncomingMessage, 'headers' | 'url'>): string | undefined {
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''));
  if (scope) return scope[1];
  const query = new URL(req.url ?? '/', 'http://edge').searchParams.get('X-Amz-Credential');
  if (query) return query.split('/')[3];
  const target = String(req.headers['x-amz-target'] ?? '').split('.')[0];
  return TARGET_PREFIX[target];
}

/** Forwards a request to an emulator on 127.0.0.1 and streams its answer back. */
export function createForwarder() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  return (port: number, req: IncomingMessage, res: ServerResponse): void => {
    const upstream = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (error) => fail(res, error));
    req.pipe(upstream);
  };
}

/** Sees a request before its emulator does; true when it answered the request itself (an injected fault). */
export type RequestTap = (service: string, req: IncomingMessage, res: ServerResponse) => boolean;

/** One port in front of the per-service emulators, dispatching on the signing service name. */
export function createEdgeRouter(routes: Record<string, Route>, forward = createForwarder(), tap?: RequestTap) {
  return http.createServer((req, res) => {
    const service = serviceOf(req);
    const route = service ? routes[service] : undefined;
    if (route !== undefined && tap?.(service!, req, res)) return;
    if (route === undefined) {
      res.writeHead(501, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `The embedded local cloud does not emulate the service "${service ?? 'unknown'}".` }));
      return;
    }
    if (typeof route === 'function') {
      Promise.resolve(route(req, res)).catch((error) => fail(res, error));
      return;
    }
    forward(route, req, res);
  });
}

function fail(res: ServerResponse, error: unknown): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(502, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ message: `Local emulator failed: ${(error as Error).message}` }));
}
