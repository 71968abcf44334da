import { filterPolicyErrors, FILTER_POLICY_SCOPES, type FilterPolicyScope } from '../patterns/filter-policy';

/**
 * A subscription's filter policy and FilterPolicyScope as planned, checked here so that a mistake
 * names its place (`where`) instead of surfacing as SNS's InvalidParameter at provisioning.
 */
export function planSnsFilter(
  where: string,
  filterPolicy: unknown,
  filterPolicyScope: unknown,
): { filterPolicy?: unknown; filterPolicyScope?: FilterPolicyScope } {
  if (filterPolicyScope !== undefined && !FILTER_POLICY_SCOPES.includes(filterPolicyScope as FilterPolicyScope)) {
    throw new Error(`${where}: filterPolicyScope must be MessageAttributes or MessageBody, found ${JSON.stringify(filterPolicyScope)}`);
  }
  const scope = filterPolicyScope as FilterPolicyScope | undefined;
  if (filterPolicy !== undefined) {
    const policy = typeof filterPolicy === 'string' ? parsePolicy(where, filterPolicy) : filterPolicy;
    const errors = filterPolicyErrors(policy, scope);
    if (errors.length > 0) throw new Error(`${where}: filterPolicy is not valid: ${errors.join('; ')}`);
  }
  return { filterPolicy, ...(scope ? { filterPolicyScope: scope } : {}) };
}

function parsePolicy(where: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: filterPolicy is not valid JSON (${(error as Error).message})`, { cause: error });
  }
}
