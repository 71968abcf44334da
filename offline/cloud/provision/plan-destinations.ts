import { parseDestination, type Destination } from '../lambda/destinations';
import type { AsyncConsumerPlan, FunctionConfig, LocalCloudPlan, ServiceConfig } from './plan';

type Context = {
  text: (value: unknown) => string;
  functionNameOf: (functionKey: string) => string | undefined;
  /** The function's event queue, planned if it is not yet. */
  eventQueueOf: (functionKey: string) => string;
  asyncRulesOf: (fn: FunctionConfig) => Pick<AsyncConsumerPlan, 'maximumRetryAttempts' | 'maximumEventAgeSeconds'>;
};

const PROPERTIES = ['onSuccess', 'onFailure'] as const;
type Property = (typeof PROPERTIES)[number];

/**
 * Functions' `destinations` (Lambda's asynchronous invocation config): parsed for every function,
 * given to the async consumers of the functions invoked asynchronously. A function that is the
 * destination of another gets an event queue and consumer of its own if it has none (its records are
 * asynchronous invocations of it). Returns one warning per destination the local cloud does not run.
 * Runs after every async consumer of the plan's triggers is planned.
 */
export function planDestinations(config: ServiceConfig, plan: LocalCloudPlan, context: Context): string[] {
  const warnings: string[] = [];
  const declared = new Map<string, Partial<Record<Property, Destination>>>();
  for (const [functionKey, fn] of Object.entries(config.functions)) {
    if (!fn.destinations) continue;
    const destinations: Partial<Record<Property, Destination>> = {};
    for (const property of PROPERTIES) {
      const value = fn.destinations[property];
      if (value === undefined) continue;
      const where = `function ${functionKey}, destinations.${property}`;
      const destination = parseDestination(value, context.text, where, context.functionNameOf);
      if (property === 'onSuccess' && destination.kind === 's3') throw new Error(`${where}: an S3 bucket can only be an on-failure destination`);
      destinations[property] = destination;
    }
    declared.set(functionKey, destinations);
  }

  // Every function invoked asynchronously: by its triggers, or as the destination of one that is.
  const keyOfName = new Map(Object.keys(config.functions).map((key) => [context.functionNameOf(key), key]));
  const invokedAsync = new Set(plan.asyncConsumers.map((c) => c.functionKey));
  const pending = [...invokedAsync];
  while (pending.length > 0) {
    const functionKey = pending.shift()!;
    const destinations = declared.get(functionKey) ?? {};
    for (const property of PROPERTIES) {
      const destination = destinations[property];
      if (destination?.kind !== 'lambda') continue;
      const target = keyOfName.get(destination.name);
      if (target === undefined) {
        warnings.push(`${functionKey}: destinations.${property} is not run locally (function ${destination.name} is not part of this service)`);
        delete destinations[property];
        continue;
      }
      if (invokedAsync.has(target)) continue;
      invokedAsync.add(target);
      pending.push(target);
      const fn = config.functions[target];
      plan.asyncConsumers.push({
        functionKey: target,
        functionName: destination.name,
        source: 'invoke',
        queue: context.eventQueueOf(target),
        ...context.asyncRulesOf(fn),
      });
    }
  }

  for (const consumer of plan.asyncConsumers) Object.assign(consumer, declared.get(consumer.functionKey));
  for (const [functionKey, destinations] of declared) {
    if (invokedAsync.has(functionKey)) continue;
    const reason = whyNotAsync(config.functions[functionKey]);
    for (const property of PROPERTIES) {
      if (destinations[property]) warnings.push(`${functionKey}: destinations.${property} is not run locally (${reason})`);
    }
  }
  return warnings;
}

/** Why a function's asynchronous invocation destinations have nothing to do locally. */
function whyNotAsync(fn: FunctionConfig): string {
  const triggers = new Set((fn.events ?? []).flatMap((event) => Object.keys(event)));
  if (triggers.has('sqs')) return "an sqs-triggered function's failures go through its queue's redrive policy";
  if (triggers.has('stream')) return "a stream-triggered function's failures go to its stream event's destinations.onFailure";
  return 'nothing invokes the function asynchronously in the local cloud';
}
