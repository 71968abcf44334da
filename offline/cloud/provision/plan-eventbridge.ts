import { createHash } from 'node:crypto';
import type { InputTransformer } from '../emulators/eventbridge-input';
import type { CfnResources, Resolver } from './intrinsics';

/** A rule target as provisioned: an SQS queue or SNS topic (a Lambda function's target is its event queue). */
export type EventTargetPlan = {
  id: string;
  arn: string;
  input?: string;
  inputPath?: string;
  inputTransformer?: InputTransformer;
  retryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  deadLetterArn?: string;
};

/** An EventBridge rule with an event pattern (schedule rules run through the local scheduler). */
export type EventRulePlan = { name: string; eventBus: string; pattern: Record<string, unknown>; state: 'ENABLED' | 'DISABLED'; targets: EventTargetPlan[] };

/** A schedule rule's firing target: an event queue or SQS queue by name, or an SNS topic by name. */
export type ScheduledTarget = { queue?: string; topic?: string; input?: string; inputPath?: string; inputTransformer?: InputTransformer };

type FunctionEvents = Record<string, { name?: string; events?: Record<string, unknown>[] }>;

export type EventBridgePlanning = {
  region: string;
  accountId: string;
  resources: CfnResources;
  functions: FunctionEvents;
  resolver: Resolver;
  functionName(functionKey: string): string;
  /** The function's async event queue, planned with an async consumer of `source: 'eventbridge'`. */
  eventQueueFor(functionKey: string): string;
};

type Planned = {
  eventBuses: string[];
  eventRules: EventRulePlan[];
  schedules: { functionKey: string; ruleName: string; expression: string; target: ScheduledTarget }[];
  warnings: string[];
};

/**
 * EventBridge from serverless.yml: `AWS::Events::EventBus` and `AWS::Events::Rule` resources and the
 * functions' `eventBridge` events (read the way osls 3.77.1 compiles them: rule and target names,
 * `eventBus` by name, ARN or intrinsic function, one of input/inputPath/inputTransformer).
 */
export function planEventBridge(planning: EventBridgePlanning): Planned {
  const out: Planned = { eventBuses: [], eventRules: [], schedules: [], warnings: [] };
  const { resolve, text } = planning.resolver;
  const addBus = (name: string) => {
    if (name !== 'default' && !out.eventBuses.includes(name)) out.eventBuses.push(name);
  };
  const queueArn = (name: string) => `arn:aws:sqs:${planning.region}:${planning.accountId}:${name}`;
  const functionKeyByName = new Map(Object.keys(planning.functions).map((key) => [planning.functionName(key), key]));

  /** A rule's target ARN made local: a Lambda function becomes its event queue; undefined when it cannot run locally. */
  const localTargetArn = (arn: string, where: string): string | undefined => {
    const service = arn.split(':')[2];
    if (service === 'lambda') {
      const name = arn.split(':')[6];
      const key = functionKeyByName.get(name);
      if (!key) throw new Error(`${where}: Lambda function ${name} is not a function of this service`);
      return queueArn(planning.eventQueueFor(key));
    }
    if (service === 'sqs' || service === 'sns') return arn;
    out.warnings.push(`${where}: ${service} targets do not run in the local cloud; ${arn} is left out`);
    return undefined;
  };

  const addRule = (
    rule: { name: string; bus: string; pattern?: unknown; schedule?: string; state: 'ENABLED' | 'DISABLED'; functionKey: string },
    target: EventTargetPlan,
    where: string,
  ) => {
    if (rule.schedule !== undefined) {
      if (rule.state === 'DISABLED') return;
      const scheduled: ScheduledTarget = { input: target.input, inputPath: target.inputPath, inputTransformer: target.inputTransformer };
      const [, , service, , , resource] = target.arn.split(':');
      if (service === 'sns') scheduled.topic = resource;
      else scheduled.queue = resource;
      out.schedules.push({ functionKey: rule.functionKey, ruleName: rule.name, expression: rule.schedule, target: scheduled });
    }
    if (rule.pattern === undefined) return;
    if (typeof rule.pattern !== 'object' || rule.pattern === null) throw new Error(`${where}: the event pattern must be an object`);
    const existing = out.eventRules.find((r) => r.name === rule.name && r.eventBus === rule.bus);
    if (existing) existing.targets.push(target);
    else out.eventRules.push({ name: rule.name, eventBus: rule.bus, pattern: rule.pattern as Record<string, unknown>, state: rule.state, targets: [target] });
  };

  for (const [logicalId, resource] of Object.entries(planning.resources)) {
    if (resource.Type === 'AWS::Events::EventBus') addBus(text(resource.Properties?.Name));
    if (resource.Type !== 'AWS::Events::Rule') continue;
    const p = resource.Properties ?? {};
    const where = `resource ${logicalId}`;
    const bus = busName(p.EventBusName === undefined ? 'default' : text(p.EventBusName));
    addBus(bus);
    const pattern = p.EventPattern === undefined ? undefined : parsePattern(resolve(p.EventPattern), `${where}, EventPattern`);
    if (pattern === undefined && p.ScheduleExpression === undefined) throw new Error(`${where}: a rule needs EventPattern or ScheduleExpression`);
    const state = p.State === 'DISABLED' ? 'DISABLED' : 'ENABLED';
    const name = p.Name === undefined ? logicalId : text(p.Name);
    for (const [i, raw] of ((p.Targets ?? []) as Record<string, unknown>[]).entries()) {
      const at = `${where}, Targets[${i}]`;
      const arn = localTargetArn(text(raw.Arn), `${at}.Arn`);
      if (!arn) continue;
      const transformer = raw.InputTransformer === undefined ? undefined : (resolve(raw.InputTransformer) as InputTransformer);
      addRule(
        { name, bus, pattern, schedule: p.ScheduleExpression === undefined ? undefined : text(p.ScheduleExpression), state, functionKey: logicalId },
        compact({
          id: text(raw.Id),
          arn,
          input: raw.Input === undefined ? undefined : jsonText(resolve(raw.Input)),
          inputPath: raw.InputPath === undefined ? undefined : text(raw.InputPath),
          inputTransformer:
            transformer === undefined ? undefined : compact({ InputPathsMap: transformer.InputPathsMap, InputTemplate: transformer.InputTemplate }),
          retryPolicy: raw.RetryPolicy === undefined ? undefined : (resolve(raw.RetryPolicy) as EventTargetPlan['retryPolicy']),
          deadLetterArn:
            (raw.DeadLetterConfig as { Arn?: unknown } | undefined)?.Arn === undefined ? undefined : text((raw.DeadLetterConfig as { Arn: unknown }).Arn),
        }),
        at,
      );
    }
  }

  for (const [functionKey, fn] of Object.entries(planning.functions)) {
    const functionName = planning.functionName(functionKey);
    for (const [index, event] of (fn.events ?? []).entries()) {
      if (!event.eventBridge) continue;
      const e = event.eventBridge as Record<string, unknown>;
      const where = `function ${functionKey}, events[${index}].eventBridge`;
      const forms = ['input', 'inputPath', 'inputTransformer'].filter((key) => e[key] !== undefined);
      if (forms.length > 1) throw new Error(`${where}: only one of input, inputPath or inputTransformer can be set (found ${forms.join(', ')})`);
      if (e.pattern === undefined && e.schedule === undefined) throw new Error(`${where}: needs pattern or schedule`);
      let bus = 'default';
      if (e.eventBus !== undefined) {
        try {
          bus = busName(text(e.eventBus));
        } catch {
          throw new Error(`${where}.eventBus: ${JSON.stringify(e.eventBus)} cannot be resolved locally (use a name, an ARN, Ref or Fn::GetAtt <Bus>.Name)`);
        }
      }
      addBus(bus);
      const name = typeof e.name === 'string' ? e.name : ruleNameOf(functionName, index + 1);
      const transformer = e.inputTransformer as { inputPathsMap?: Record<string, string>; inputTemplate?: string } | undefined;
      if (transformer && typeof transformer.inputTemplate !== 'string') throw new Error(`${where}.inputTransformer: inputTemplate is required`);
      const retry = e.retryPolicy as { maximumEventAge?: number; maximumRetryAttempts?: number } | undefined;
      addRule(
        {
          name,
          bus,
          pattern: e.pattern === undefined ? undefined : resolve(e.pattern),
          schedule: e.schedule as string | undefined,
          state: e.enabled === false ? 'DISABLED' : 'ENABLED',
          functionKey,
        },
        compact({
          id: targetIdOf(name),
          arn: queueArn(planning.eventQueueFor(functionKey)),
          input: e.input === undefined ? undefined : JSON.stringify(resolve(e.input)),
          inputPath: e.inputPath === undefined ? undefined : text(e.inputPath),
          inputTransformer: transformer
            ? compact({ InputPathsMap: resolve(transformer.inputPathsMap) as Record<string, string> | undefined, InputTemplate: transformer.inputTemplate! })
            : undefined,
          retryPolicy: retry ? compact({ MaximumRetryAttempts: retry.maximumRetryAttempts, MaximumEventAgeInSeconds: retry.maximumEventAge }) : undefined,
          deadLetterArn: e.deadLetterQueueArn === undefined ? undefined : text(e.deadLetterQueueArn),
        }),
        where,
      );
    }
  }
  for (const rule of out.eventRules) {
    for (const target of rule.targets) {
      if (target.deadLetterArn !== undefined && !target.deadLetterArn.startsWith('arn:aws:sqs:'))
        throw new Error(`EventBridge rule ${rule.name}, target ${target.id}: the dead-letter queue must be an SQS queue ARN, not ${target.deadLetterArn}`);
    }
  }
  return out;
}

/** The bus name of a name or an event-bus ARN (`arn:aws:events:…:event-bus/<name>`). */
const busName = (nameOrArn: string) => (nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.indexOf('/') + 1) : nameOrArn);

function parsePattern(value: unknown, where: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new Error(`${where}: not valid JSON`);
  }
}

/** CloudFormation's Input is JSON text; an object written in YAML is turned into it. */
const jsonText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

const compact = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** osls' rule name for a function's n-th event (1-based over all its events), hashed past 64 characters. */
export function ruleNameOf(functionName: string, index: number): string {
  const name = `${functionName}-rule-${index}`;
  return name.length > 64 ? hashName(name, `rule-${index}`) : name;
}

/** osls' target id for a rule. */
export function targetIdOf(ruleName: string): string {
  const id = `${ruleName}-target`;
  return id.length > 64 ? hashName(id, 'target') : id;
}

const hashName = (name: string, suffix: string) => `${name.slice(0, 31 - suffix.length)}${createHash('md5').update(name).digest('hex')}-${suffix}`;
