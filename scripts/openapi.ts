// docs/openapi.json from lib/http/api-contract.ts: `npm run openapi` writes it, tests/unit/openapi.test.ts fails when it is stale.
import fs from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
import { API_SCHEMAS, ROUTES, type SchemaName } from '../lib/http/api-contract';

export const OPENAPI_FILE = path.join(__dirname, '..', 'docs', 'openapi.json');

const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: SchemaName) => ({ content: { 'application/json': { schema: ref(name) } } });
const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  400: 'Invalid request',
  401: 'No bearer token (answered by API Gateway)',
  403: 'The bearer token was refused (answered by API Gateway)',
  404: 'Not found',
  409: 'Idempotency-Key reused with another request',
  413: 'Body too large',
  415: 'Body is not JSON',
  422: 'Unknown SKU or not enough stock',
  500: 'Internal error',
};

/** The OpenAPI 3.1 document of the HTTP API, as plain data. */
export function buildOpenApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(route.responses)) responses[status] = { description: STATUS_TEXT[Number(status)], ...json(schema) };
    for (const status of [...route.errors, 500]) responses[status] = { description: STATUS_TEXT[status], ...json('Error') };
    if (route.auth) for (const status of [401, 403]) responses[status] = { description: STATUS_TEXT[status], ...json('GatewayError') };
    const pathParameters = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
    paths[route.path] ??= {};
    paths[route.path][route.method] = {
      summary: route.summary,
      ...(route.auth ? { security: [{ bearerToken: [] }] } : {}),
      ...(pathParameters.length ? { parameters: pathParameters } : {}),
      ...(route.request ? { requestBody: { required: true, ...json(route.request) } } : {}),
      responses,
    };
  }
  const schemas = Object.fromEntries(
    Object.entries(API_SCHEMAS).map(([name, schema]) => {
      // Requests are described as clients send them, responses as the API writes them.
      const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, { io: name === 'OrderRequest' ? 'input' : 'output', unrepresentable: 'any' });
      return [name, jsonSchema];
    }),
  );
  return {
    openapi: '3.1.0',
    info: { title: 'orderflow', version: '0.1.0', description: 'Generated from lib/http/api-contract.ts by `npm run openapi`; do not edit.' },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: { schemas, securitySchemes: { bearerToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  };
}

export const renderOpenApi = () => `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;

if (require.main === module) {
  fs.writeFileSync(OPENAPI_FILE, renderOpenApi());
  console.log(`wrote ${path.relative(process.cwd(), OPENAPI_FILE)}`);
}
