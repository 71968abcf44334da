import Ajv2020 from 'ajv/dist/2020';
import document from '../../docs/openapi.json';

type Operation = { responses: Record<string, { content?: { 'application/json'?: { schema: { $ref: string } } } }> };

// The checked-in document, compiled once: its component schemas under one id, so each $ref resolves.
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'openapi', components: document.components }, 'openapi');

const templates = Object.keys(document.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`),
}));

/**
 * What is wrong with an answer of the API, by docs/openapi.json: an undocumented route or status,
 * or a body its schema rejects. An empty list means it conforms.
 */
export function contractProblems(method: string, url: string, status: number, body: unknown): string[] {
  const path = url.split('?')[0];
  const match = templates.find(({ pattern }) => pattern.test(path));
  if (!match) return [`${method} ${path} is not in the OpenAPI document`];
  const operation = (document.paths as Record<string, Record<string, Operation>>)[match.template][method.toLowerCase()];
  if (!operation) return [`${method} ${match.template} is not in the OpenAPI document`];
  const response = operation.responses[String(status)];
  if (!response) return [`${method} ${match.template} answered ${status}, which the OpenAPI document does not list`];
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return body === undefined ? [] : [`${method} ${match.template} ${status} has a body the document does not describe`];
  const validate = ajv.getSchema(`openapi${schema.$ref}`)!;
  if (validate(body)) return [];
  return (validate.errors ?? []).map((error) => `${method} ${match.template} ${status}: ${error.instancePath || '(body)'} ${error.message ?? ''}`);
}
