import fs from 'node:fs';
import path from 'node:path';
import { OPENAPI_FILE, renderOpenApi } from '../../scripts/openapi';
import { contractProblems } from '../support/openapi-validator';

const ROOT = path.join(__dirname, '..', '..');

/** The httpApi events of serverless.yml: `- httpApi: GET /path`, or the long form with method, path and an authorizer. */
function serverlessRoutes(): { route: string; auth: boolean }[] {
  const text = fs.readFileSync(path.join(ROOT, 'serverless.yml'), 'utf8');
  const routes: { route: string; auth: boolean }[] = [];
  for (const match of text.matchAll(/- httpApi:(.*)\n((?:\s{10,}.*\n)*)/g)) {
    const [, inline, block] = match;
    const short = /^\s*(GET|POST|PUT|PATCH|DELETE)\s+(\S+)/.exec(inline);
    const method = short?.[1] ?? /method:\s*(\w+)/.exec(block)?.[1];
    const route = short?.[2] ?? /path:\s*(\S+)/.exec(block)?.[1];
    if (!method || !route) throw new Error(`an httpApi event of serverless.yml this test cannot read: ${match[0]}`);
    routes.push({ route: `${method.toUpperCase()} ${route}`, auth: /authorizer:/.test(block) });
  }
  return routes;
}

describe('docs/openapi.json', () => {
  test('is what `npm run openapi` generates from lib/http/api-contract.ts (run it after changing the contract)', () => {
    expect(fs.readFileSync(OPENAPI_FILE, 'utf8')).toBe(renderOpenApi());
  });

  test('documents every route of serverless.yml, with its authorizer, and no other', () => {
    const document = JSON.parse(fs.readFileSync(OPENAPI_FILE, 'utf8')) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const documented = Object.entries(document.paths).flatMap(([route, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${route}`, auth: operation.security !== undefined })),
    );
    const routes = serverlessRoutes();

    expect(routes.length).toBeGreaterThanOrEqual(7);
    expect(documented.sort((a, b) => a.route.localeCompare(b.route))).toEqual(routes.sort((a, b) => a.route.localeCompare(b.route)));
  });
});

describe('contractProblems', () => {
  test.each([
    { what: 'a conforming order', method: 'POST', url: '/orders', status: 202, body: { orderId: 'o-1', status: 'PENDING' }, problems: 0 },
    { what: 'an unknown status value', method: 'POST', url: '/orders', status: 202, body: { orderId: 'o-1', status: 'SHIPPED' }, problems: 1 },
    { what: 'a field the contract does not have', method: 'GET', url: '/health', status: 200, body: { status: 'ok', debug: true }, problems: 1 },
    {
      what: 'the error shape',
      method: 'GET',
      url: '/orders/x?y=1',
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'm', details: [] } },
      problems: 0,
    },
    {
      what: 'an unknown SKU',
      method: 'POST',
      url: '/orders',
      status: 422,
      body: { error: { code: 'UNKNOWN_SKU', message: 'm', details: [{ sku: 'SKU-NOPE', message: 'unknown SKU' }] } },
      problems: 0,
    },
    {
      what: 'a detail of neither kind',
      method: 'POST',
      url: '/orders',
      status: 400,
      body: { error: { code: 'X', message: 'm', details: [{ message: 'm' }] } },
      problems: 1,
    },
    { what: 'an undocumented status', method: 'GET', url: '/health', status: 418, body: {}, problems: 1 },
    { what: 'an undocumented route', method: 'DELETE', url: '/orders/x', status: 200, body: {}, problems: 1 },
  ])('$what: $problems problem(s)', ({ method, url, status, body, problems }) => {
    // A body that fails a union is reported once per branch: only "conforms or not" is compared.
    expect(contractProblems(method, url, status, body).length > 0).toBe(problems > 0);
  });
});
