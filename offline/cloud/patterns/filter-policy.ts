/** SNS message attributes as the SNS API receives them. */
export type SnsAttributes = Record<string, { DataType: string; StringValue?: string }>;

type Condition = string | number | boolean | null | Record<string, unknown>;

/**
 * Whether a message passes a subscription's filter policy (scope MessageAttributes): every key of
 * the policy must match; within a key, any condition may. Supports exact strings and numbers,
 * prefix, suffix, anything-but, exists and numeric comparisons.
 */
export function matchesFilterPolicy(policy: Record<string, Condition[] | Condition> | undefined, attributes: SnsAttributes): boolean {
  if (!policy) return true;
  return Object.entries(policy).every(([name, conditions]) => {
    const list = Array.isArray(conditions) ? conditions : [conditions];
    const attribute = attributes[name];
    return list.some((condition) => matchesCondition(condition, attribute));
  });
}

function matchesCondition(condition: Condition, attribute: SnsAttributes[string] | undefined): boolean {
  if (condition !== null && typeof condition === 'object') {
    if ('exists' in condition) return (attribute !== undefined) === condition.exists;
    if (attribute === undefined) return false;
    const values = attributeValues(attribute);
    if ('prefix' in condition) return values.some((v) => typeof v === 'string' && v.startsWith(String(condition.prefix)));
    if ('suffix' in condition) return values.some((v) => typeof v === 'string' && v.endsWith(String(condition.suffix)));
    if ('anything-but' in condition) {
      const excluded = ([] as unknown[]).concat(condition['anything-but']);
      return values.every((v) => !excluded.includes(v));
    }
    if ('numeric' in condition) return values.some((v) => typeof v === 'number' && numericMatch(condition.numeric as unknown[], v));
    return false;
  }
  if (attribute === undefined) return false;
  return attributeValues(attribute).some((value) => value === condition);
}

/** A String.Array attribute matches on any of its elements; a Number attribute compares as a number. */
function attributeValues(attribute: SnsAttributes[string]): unknown[] {
  const raw = attribute.StringValue ?? '';
  if (attribute.DataType === 'Number') return [Number(raw)];
  if (attribute.DataType === 'String.Array') {
    try {
      const parsed = JSON.parse(raw);
      return Array.isArray(parsed) ? parsed : [raw];
    } catch {
      return [raw];
    }
  }
  return [raw];
}

function numericMatch(spec: unknown[], value: number): boolean {
  for (let i = 0; i + 1 < spec.length; i += 2) {
    const bound = Number(spec[i + 1]);
    const ok = { '=': value === bound, '>': value > bound, '>=': value >= bound, '<': value < bound, '<=': value <= bound }[String(spec[i])];
    if (!ok) return false;
  }
  return true;
}
