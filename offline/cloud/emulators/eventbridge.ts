import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseSchedule } from '../async/schedule-expression';
import { targetInputErrors, targetPayload, type TargetInput } from './eventbridge-input';
import type { SqsDelivery } from './sns-server';
import { readBody } from './read-body';

/** The one event-pattern engine (patterns/event-pattern.ts), passed in. */
export type PatternEngine = {
  compile(pattern: Record<string, unknown>): (event: unknown) => boolean;
  errors(pattern: unknown): string[];
};

export type EventBridgeOptions = {
  region: string;
  accountId: string;
  patterns: PatternEngine;
  /** Into an SQS queue's store, by queue ARN; rejects when the queue does not exist. */
  sendToQueue: SqsDelivery;
  /** Publishes through the embedded SNS; throws when the topic does not exist. */
  publishToTopic: (topicArn: string, message: string) => void;
  log: (message: string) => void;
  /** Delay before retry n (1-based) of a failed delivery; EventBridge backs off exponentially. */
  retryDelayMs?: (retry: number) => number;
};

type Target = TargetInput & {
  Id: string;
  Arn: string;
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  DeadLetterConfig?: { Arn?: string };
};

type Rule = {
  name: string;
  bus: string;
  arn: string;
  eventPattern?: string;
  matches?: (event: unknown) => boolean;
  scheduleExpression?: string;
  state: 'ENABLED' | 'DISABLED';
  description?: string;
  targets: Map<string, Target>;
};

type Bus = { name: string; arn: string; rules: Map<string, Rule> };

class EventsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A string parameter of a request, or undefined; any other type is the caller's mistake, answered as AWS does. */
function stringParam(p: Record<string, unknown>, name: string): string | undefined {
  const value = p[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new EventsError('ValidationException', `${name} must be a string`);
  return value;
}

const MAX_REQUEST_BYTES = 256 * 1024;
const DEFAULT_RETRIES = 185;
const DEFAULT_EVENT_AGE_SECONDS = 86_400;
const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

/** A delivery that failed; `retriable` false means EventBridge would not try again (e.g. the resource is gone). */
class DeliveryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retriable: boolean,
  ) {
    super(message);
  }
}

/**
 * A small EventBridge (JSON 1.1, `AWSEvents.*`) for the embedded local cloud: event buses, rules with
 * event patterns, SQS and SNS targets with Input/InputPath/InputTransformer, retry policies and
 * dead-letter queues, PutEvents with AWS's validation and per-entry results. Lambda targets are
 * planned as the function's async event queue (an SQS target), so the emulator never invokes Lambda.
 * Schedule rules are stored but fired by the local scheduler (async/scheduler.ts), in both modes.
 */
export function createEventBridgeService(options: EventBridgeOptions) {
  const { region, accountId } = options;
  const busArn = (name: string) => `arn:aws:events:${region}:${accountId}:event-bus/${name}`;
  const buses = new Map<string, Bus>([['default', { name: 'default', arn: busArn('default'), rules: new Map() }]]);
  const retryDelayMs = options.retryDelayMs ?? ((retry: number) => Math.min(1000 * 2 ** (retry - 1), 60_000));

  /** A bus by name or ARN (as every EventBusName parameter accepts). */
  const findBus = (nameOrArn: unknown): Bus | undefined => buses.get(busName(nameOrArn));
  const requireBus = (nameOrArn: unknown): Bus => {
    const bus = findBus(nameOrArn);
    if (!bus) throw new EventsError('ResourceNotFoundException', `Event bus ${busName(nameOrArn)} does not exist.`);
    return bus;
  };
  const requireRule = (p: Record<string, unknown>): Rule => {
    const bus = requireBus(p.EventBusName);
    const rule = bus.rules.get(String(p.Rule ?? p.Name));
    if (!rule) throw new EventsError('ResourceNotFoundException', `Rule ${String(p.Rule ?? p.Name)} does not exist on EventBus ${bus.name}.`);
    return rule;
  };
  const describeRule = (rule: Rule) => ({
    Name: rule.name,
    Arn: rule.arn,
    EventBusName: rule.bus,
    State: rule.state,
    ...(rule.eventPattern !== undefined ? { EventPattern: rule.eventPattern } : {}),
    ...(rule.scheduleExpression !== undefined ? { ScheduleExpression: rule.scheduleExpression } : {}),
    ...(rule.description !== undefined ? { Description: rule.description } : {}),
  });

  const actions: Record<string, (p: Record<string, unknown>) => unknown> = {
    CreateEventBus(p) {
      const name = stringParam(p, 'Name') ?? '';
      if (!/^[/.\-_A-Za-z0-9]{1,256}$/.test(name) || name === 'default') throw new EventsError('ValidationException', `Event bus name ${name} is not valid.`);
      if (buses.has(name)) throw new EventsError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`);
      buses.set(name, { name, arn: busArn(name), rules: new Map() });
      return { EventBusArn: busArn(name) };
    },
    DescribeEventBus(p) {
      const bus = requireBus(p.Name);
      return { Name: bus.name, Arn: bus.arn };
    },
    DeleteEventBus(p) {
      const name = busName(p.Name);
      if (name === 'default') throw new EventsError('ValidationException', 'Cannot delete event bus default.');
      buses.delete(name);
      return {};
    },
    ListEventBuses(p) {
      const prefix = stringParam(p, 'NamePrefix') ?? '';
      return { EventBuses: [...buses.values()].filter((b) => b.name.startsWith(prefix)).map((b) => ({ Name: b.name, Arn: b.arn })) };
    },
    PutRule(p) {
      const name = stringParam(p, 'Name') ?? '';
      if (!NAME.test(name))
        throw new EventsError(
          'ValidationException',
          `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
        );
      const bus = requireBus(p.EventBusName);
      if (p.EventPattern === undefined && p.ScheduleExpression === undefined)
        throw new EventsError('ValidationException', 'Parameter(s) EventPattern or ScheduleExpression must be specified.');
      let matches: Rule['matches'];
      if (p.EventPattern !== undefined) {
        let pattern: unknown;
        try {
          pattern = JSON.parse(stringParam(p, 'EventPattern')!);
        } catch {
          throw new EventsError('InvalidEventPatternException', 'Event pattern is not valid. Reason: it is not valid JSON.');
        }
        const errors = options.patterns.errors(pattern);
        if (errors.length > 0) throw new EventsError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${errors.join('; ')}`);
        matches = options.patterns.compile(pattern as Record<string, unknown>);
      }
      if (p.ScheduleExpression !== undefined) {
        if (bus.name !== 'default') throw new EventsError('ValidationException', 'ScheduleExpression is supported only on the default event bus.');
        try {
          parseSchedule(stringParam(p, 'ScheduleExpression')!);
        } catch {
          throw new EventsError('ValidationException', 'Parameter ScheduleExpression is not valid.');
        }
        options.log(
          `EventBridge rule ${name}: the embedded EventBridge does not fire ScheduleExpression itself; schedules declared in serverless.yml run through the local scheduler`,
        );
      }
      const state = p.State === 'DISABLED' ? 'DISABLED' : 'ENABLED';
      const arn = `arn:aws:events:${region}:${accountId}:rule/${bus.name === 'default' ? '' : `${bus.name}/`}${name}`;
      const existing = bus.rules.get(name);
      bus.rules.set(name, {
        name,
        bus: bus.name,
        arn,
        eventPattern: stringParam(p, 'EventPattern'),
        matches,
        scheduleExpression: stringParam(p, 'ScheduleExpression'),
        state,
        description: stringParam(p, 'Description'),
        targets: existing?.targets ?? new Map(),
      });
      return { RuleArn: arn };
    },
    DescribeRule(p) {
      return { ...describeRule(requireRule(p)), CreatedBy: accountId };
    },
    ListRules(p) {
      const prefix = stringParam(p, 'NamePrefix') ?? '';
      return { Rules: [...requireBus(p.EventBusName).rules.values()].filter((r) => r.name.startsWith(prefix)).map(describeRule) };
    },
    DeleteRule(p) {
      const bus = requireBus(p.EventBusName);
      const rule = bus.rules.get(String(p.Name));
      if (rule && rule.targets.size > 0 && p.Force !== true) throw new EventsError('ValidationException', "Rule can't be deleted since it has targets.");
      bus.rules.delete(String(p.Name));
      return {};
    },
    EnableRule(p) {
      requireRule(p).state = 'ENABLED';
      return {};
    },
    DisableRule(p) {
      requireRule(p).state = 'DISABLED';
      return {};
    },
    PutTargets(p) {
      const rule = requireRule(p);
      const targets = (p.Targets ?? []) as Target[];
      if (targets.length < 1 || targets.length > 10)
        throw new EventsError(
          'ValidationException',
          `1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length between 1 and 10`,
        );
      const failed: { TargetId: string; ErrorCode: string; ErrorMessage: string }[] = [];
      for (const target of targets) {
        const problem = targetProblem(target);
        if (problem) failed.push({ TargetId: target.Id, ErrorCode: 'ValidationException', ErrorMessage: problem });
        else rule.targets.set(target.Id, target);
      }
      return { FailedEntryCount: failed.length, FailedEntries: failed };
    },
    ListTargetsByRule(p) {
      return { Targets: [...requireRule(p).targets.values()] };
    },
    RemoveTargets(p) {
      const rule = requireRule(p);
      for (const id of (p.Ids ?? []) as string[]) rule.targets.delete(id);
      return { FailedEntryCount: 0, FailedEntries: [] };
    },
    PutEvents(p) {
      const entries = (p.Entries ?? []) as Record<string, unknown>[];
      if (entries.length < 1 || entries.length > 10) {
        throw new EventsError(
          'ValidationException',
          `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${entries.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 10'}`,
        );
      }
      if (entries.reduce((sum, entry) => sum + entrySize(entry), 0) > MAX_REQUEST_BYTES)
        throw new EventsError('ValidationException', 'Total size of the entries in the request is over the limit.');
      const ingestionTime = new Date();
      const results = entries.map((entry) => {
        const problem = entryProblem(entry);
        if (problem) return problem;
        const bus = findBus(entry.EventBusName);
        if (!bus) return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busName(entry.EventBusName)} does not exist.` };
        const event = {
          version: '0',
          id: randomUUID(),
          'detail-type': String(entry.DetailType),
          source: String(entry.Source),
          account: accountId,
          time: isoSeconds(entry.Time === undefined ? ingestionTime : new Date(Number(entry.Time) * 1000)),
          region,
          resources: (entry.Resources ?? []) as string[],
          detail: JSON.parse(String(entry.Detail)) as Record<string, unknown>,
        };
        // Delivered after PutEvents has answered, as in AWS.
        setImmediate(() => route(bus, event, ingestionTime));
        return { EventId: event.id };
      });
      return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
    },
  };

  const route = (bus: Bus, event: Record<string, unknown>, ingestionTime: Date) => {
    for (const rule of bus.rules.values()) {
      if (rule.state !== 'ENABLED' || !rule.matches || !rule.matches(event)) continue;
      for (const target of rule.targets.values()) void deliver(rule, target, event, ingestionTime, 0);
    }
  };

  const send = async (target: Target, payload: string) => {
    const [, , service] = target.Arn.split(':');
    if (service === 'sqs') {
      await options.sendToQueue(target.Arn, payload).catch((error: Error) => {
        throw new DeliveryError('RESOURCE_NOT_FOUND', `SQS queue ${target.Arn} could not be reached: ${error.message}`, false);
      });
    } else {
      try {
        options.publishToTopic(target.Arn, payload);
      } catch (error) {
        throw new DeliveryError('RESOURCE_NOT_FOUND', `SNS topic ${target.Arn} could not be reached: ${(error as Error).message}`, false);
      }
    }
  };

  /** One delivery with the target's retry policy; what cannot be delivered goes to its dead-letter queue. */
  const deliver = async (rule: Rule, target: Target, event: Record<string, unknown>, ingestionTime: Date, retries: number): Promise<void> => {
    try {
      await send(target, targetPayload(target, event, { ruleArn: rule.arn, ruleName: rule.name, ingestionTime: ingestionTime.toISOString() }));
    } catch (error) {
      const failure = error instanceof DeliveryError ? error : new DeliveryError('INTERNAL_ERROR', (error as Error).message, true);
      const maxRetries = target.RetryPolicy?.MaximumRetryAttempts ?? DEFAULT_RETRIES;
      const maxAgeMs = (target.RetryPolicy?.MaximumEventAgeInSeconds ?? DEFAULT_EVENT_AGE_SECONDS) * 1000;
      const delay = retryDelayMs(retries + 1);
      if (failure.retriable && retries < maxRetries && Date.now() + delay - ingestionTime.getTime() <= maxAgeMs) {
        setTimeout(() => void deliver(rule, target, event, ingestionTime, retries + 1), delay).unref();
        return;
      }
      const condition = !failure.retriable ? undefined : retries >= maxRetries ? 'MaximumRetryAttemptsExhausted' : 'MaximumEventAgeExhausted';
      await deadLetter(rule, target, event, failure, retries, condition);
    }
  };

  const deadLetter = async (
    rule: Rule,
    target: Target,
    event: Record<string, unknown>,
    failure: DeliveryError,
    retries: number,
    condition: string | undefined,
  ) => {
    const dlq = target.DeadLetterConfig?.Arn;
    if (!dlq) {
      options.log(
        `EventBridge rule ${rule.name}: event ${String(event.id)} not delivered to ${target.Arn} (${failure.message}); the target has no dead-letter queue`,
      );
      return;
    }
    const attributes: Record<string, { DataType: string; StringValue: string }> = {
      RULE_ARN: { DataType: 'String', StringValue: rule.arn },
      TARGET_ARN: { DataType: 'String', StringValue: target.Arn },
      ERROR_CODE: { DataType: 'String', StringValue: failure.code },
      ERROR_MESSAGE: { DataType: 'String', StringValue: failure.message },
      RETRY_ATTEMPTS: { DataType: 'Number', StringValue: String(retries) },
      ...(condition ? { EXHAUSTED_RETRY_CONDITION: { DataType: 'String', StringValue: condition } } : {}),
    };
    await options.sendToQueue(dlq, JSON.stringify(event), attributes).catch((error: Error) => {
      options.log(`EventBridge rule ${rule.name}: dead-letter queue ${dlq} of target ${target.Id} could not be reached: ${error.message}`);
    });
  };

  return async function handleEventBridge(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const action = String(req.headers['x-amz-target'] ?? '').replace(/^AWSEvents\./, '');
    const body = await readBody(req);
    try {
      const run = actions[action];
      if (!run) throw new EventsError('UnknownOperationException', `The embedded EventBridge does not support ${action || 'this operation'}.`);
      let params: Record<string, unknown>;
      try {
        params = body ? JSON.parse(body) : {};
      } catch {
        throw new EventsError('SerializationException', 'The request body is not valid JSON.');
      }
      const result = run(params);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(result));
    } catch (error) {
      const e = error instanceof EventsError ? error : new EventsError('InternalException', (error as Error).message);
      res.writeHead(e.code === 'InternalException' ? 500 : 400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: e.code, message: e.message }));
    }
  };
}

const busName = (nameOrArn: unknown): string => {
  if (nameOrArn !== undefined && nameOrArn !== null && typeof nameOrArn !== 'string')
    throw new EventsError('ValidationException', 'EventBusName must be a string');
  const text = nameOrArn || 'default';
  return text.startsWith('arn:') ? text.slice(text.indexOf(':event-bus/') + ':event-bus/'.length) : text;
};

/** AWS's reasons for refusing one PutEvents entry, in its order of checks. */
function entryProblem(entry: Record<string, unknown>): { ErrorCode: string; ErrorMessage: string } | undefined {
  for (const field of ['Source', 'DetailType', 'Detail']) {
    if (typeof entry[field] !== 'string' || entry[field] === '') {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.` };
    }
  }
  let detail: unknown;
  try {
    detail = JSON.parse(String(entry.Detail));
  } catch {
    detail = undefined;
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  return undefined;
}

/** An entry's size as AWS counts it towards the 256 KB of a request. */
function entrySize(entry: Record<string, unknown>): number {
  const bytes = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  return (
    (entry.Time !== undefined ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    ((entry.Resources ?? []) as unknown[]).reduce<number>((n, r) => n + bytes(r), 0)
  );
}

function targetProblem(target: Target): string | undefined {
  if (!target.Id || !NAME.test(target.Id)) return `Target Id ${String(target.Id)} is not valid.`;
  const service = String(target.Arn ?? '').split(':')[2];
  if (service !== 'sqs' && service !== 'sns') {
    return `The embedded EventBridge delivers to SQS queues and SNS topics only (a Lambda function is targeted through its async event queue), not ${String(target.Arn)}.`;
  }
  if (target.DeadLetterConfig?.Arn !== undefined && !target.DeadLetterConfig.Arn.startsWith('arn:aws:sqs:'))
    return 'DeadLetterConfig.Arn must be an SQS queue ARN.';
  return targetInputErrors(target)[0];
}

const isoSeconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');
