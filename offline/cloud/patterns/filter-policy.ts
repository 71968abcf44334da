import { compileEventPattern, eventPatternErrors, type EventPattern } from './event-pattern';

/** SNS message attributes as the SNS API receives them. */
export type SnsAttributes = Record<string, { DataType: string; StringValue?: string }>;

/** The subscription attribute FilterPolicyScope: what the policy is applied to. */
export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

export const FILTER_POLICY_SCOPES: readonly FilterPolicyScope[] = ['MessageAttributes', 'MessageBody'];

type PolicyTest = (attributes: SnsAttributes, body: string | undefined) => boolean;

/**
 * [] when the policy is valid for the scope; otherwise the reasons, each naming the offending key.
 * The grammar is the event-pattern one; scope MessageAttributes has no nesting (an attribute is flat).
 */
export function filterPolicyErrors(policy: unknown, scope: FilterPolicyScope = 'MessageAttributes'): string[] {
  if (!FILTER_POLICY_SCOPES.includes(scope)) return [`FilterPolicyScope must be MessageAttributes or MessageBody, found ${String(scope)}`];
  const errors = eventPatternErrors(policy);
  if (errors.length === 0 && scope === 'MessageAttributes' && isNested(policy as Record<string, unknown>)) {
    errors.push('Filter policy scope MessageAttributes does not support nested filter policy');
  }
  return errors;
}

/**
 * A subscription's filter policy compiled once: scope MessageAttributes matches the attributes
 * (a Number attribute as a number, a String.Array as its elements; Binary attributes are not
 * filterable), scope MessageBody matches the message body, which must be a JSON object.
 */
export function compileFilterPolicy(policy: Record<string, unknown>, scope: FilterPolicyScope = 'MessageAttributes'): PolicyTest {
  const errors = filterPolicyErrors(policy, scope);
  if (errors.length > 0) throw new Error(`Invalid parameter: FilterPolicy: ${errors.join('; ')}`);
  const match = compileEventPattern(policy as EventPattern);
  if (scope === 'MessageBody') {
    return function matchesMessageBody(_attributes, body) {
      const json = body === undefined ? undefined : parseJsonObject(body);
      return json !== undefined && match(json);
    };
  }
  return function matchesMessageAttributes(attributes) {
    return match(attributeValues(attributes));
  };
}

const compiledByScope: Record<FilterPolicyScope, WeakMap<object, PolicyTest>> = { MessageAttributes: new WeakMap(), MessageBody: new WeakMap() };

/**
 * Whether a message passes a subscription's filter policy: every key of the policy must match;
 * within a key, any condition may. No policy lets everything through. The policy is compiled once
 * per policy object. Throws when the policy is not valid.
 */
export function matchesFilterPolicy(
  policy: Record<string, unknown> | undefined,
  attributes: SnsAttributes,
  options: { scope?: FilterPolicyScope; body?: string } = {},
): boolean {
  if (!policy) return true;
  const scope = options.scope ?? 'MessageAttributes';
  const cache = compiledByScope[scope] ?? new WeakMap();
  let test = cache.get(policy);
  if (!test) {
    test = compileFilterPolicy(policy, scope);
    cache.set(policy, test);
  }
  return test(attributes, options.body);
}

function isNested(policy: Record<string, unknown>): boolean {
  return Object.entries(policy).some(([key, value]) =>
    key === '$or' && Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v))
      ? value.some((alternative) => isNested(alternative as Record<string, unknown>))
      : typeof value === 'object' && value !== null && !Array.isArray(value),
  );
}

/** The attributes as the values a policy compares: Number as a number, String.Array as its elements. */
function attributeValues(attributes: SnsAttributes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name in attributes) {
    const { DataType, StringValue = '' } = attributes[name];
    if (DataType === 'String.Array') out[name] = parseArray(StringValue);
    else if (DataType.startsWith('Number')) out[name] = Number(StringValue);
    else if (DataType.startsWith('String')) out[name] = StringValue;
  }
  return out;
}

function parseArray(text: string): unknown {
  try {
    const parsed = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : text;
  } catch {
    return text;
  }
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
