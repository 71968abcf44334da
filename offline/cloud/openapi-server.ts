import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { resolve as resolvePath } from 'node:path';

export type OpenApiServer = { url: string; stop(): Promise<void> };

/**
 * Serves the service's OpenAPI document (`custom.localCloud.openapi`) at `GET /openapi.json` on a
 * port of its own (`openapiPort`): serverless-offline offers no way to add a route to its HTTP server
 * but a function of the service, which a deployed stage would get too. Read on every request, so a
 * regenerated document shows at once; its `servers` point at the local API, so a viewer's "try it"
 * reaches the local cloud.
 */
export async function startOpenApiServer(options: { serviceDir: string; file: string; port: number; apiUrl: string }): Promise<OpenApiServer> {
  const path = resolvePath(options.serviceDir, options.file);
  const readDocument = async () => ({
    ...(JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>),
    servers: [{ url: options.apiUrl, description: 'the local cloud' }],
  });
  await readDocument().catch((error: Error) => {
    throw new Error(`custom.localCloud.openapi: ${options.file} is not a readable JSON document (${error.message})`);
  });

  const server = http.createServer(function serveOpenApi(request, response) {
    const send = (status: number, body: unknown) => {
      // Any page (a hosted Swagger UI or Redoc) may fetch it: the document is no secret, and this is 127.0.0.1.
      response.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      response.end(request.method === 'HEAD' ? undefined : JSON.stringify(body, null, 2));
    };
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (pathname !== '/openapi.json') return send(404, { message: 'Not Found: the OpenAPI document is at /openapi.json' });
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, { message: 'Method Not Allowed' });
    readDocument().then(
      (document) => send(200, document),
      (error: Error) => send(500, { message: `${options.file}: ${error.message}` }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`custom.localCloud.openapiPort: cannot listen on 127.0.0.1:${options.port} (${error.message})`)));
    server.listen(options.port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${options.port}/openapi.json`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
