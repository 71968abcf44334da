import { createResolver, nameFromArn } from '../provision/intrinsics';
import type { LocalCloudPlan, ServiceConfig } from '../provision/plan';
import type { Destination } from '../lambda/destinations';
import type { Route } from './route';

export type WiringNodeKind = 'function' | 'queue' | 'topic' | 'bucket' | 'stream' | 'table' | 'bus' | 'schedule' | 'http' | 'websocket';

/** `label`: the name without the `<service>-<stage>-` every resource and function name starts with. */
export type WiringNode = { id: string; kind: WiringNodeKind; name: string; label: string };

/**
 * `trigger`: an event source invokes the function; `subscription`: a topic delivers to a queue, a rule
 * to a target; `on-success` / `on-failure`: a function's destinations; `dead-letter`: where a queue's
 * (or a rule target's) failed messages go.
 */
export type WiringEdge = { from: string; to: string; kind: 'trigger' | 'subscription' | 'on-success' | 'on-failure' | 'dead-letter'; label?: string };

export type Wiring = { service: string; nodes: WiringNode[]; edges: WiringEdge[] };

/**
 * The service's wiring as the local cloud runs it: what triggers each function and where its results and
 * failures go. Drawn from the plan (topics, buckets, schedules, rules, streams, destinations, redrive
 * policies) and, for what serverless-offline and serverless-offline-sqs run (HTTP, WebSocket, SQS), from
 * the functions' events. Lambda's own event queues stay out of the picture: AWS has none to show.
 */
export function serviceWiring(config: ServiceConfig, plan: LocalCloudPlan, stage: string): Wiring {
  const nodes = new Map<string, WiringNode>();
  const edges: WiringEdge[] = [];
  const prefix = `${config.service}-${stage}-`;
  const node = (kind: WiringNodeKind, name: string) => {
    const id = `${kind}:${name}`;
    if (!nodes.has(id)) nodes.set(id, { id, kind, name, label: name.startsWith(prefix) ? name.slice(prefix.length) : name });
    return id;
  };
  const edge = (from: string, to: string, kind: WiringEdge['kind'], label?: string) => {
    if (!edges.some((e) => e.from === from && e.to === to && e.kind === kind)) edges.push({ from, to, kind, ...(label ? { label } : {}) });
  };
  const functionKeys = Object.keys(config.functions);
  const keyByName = new Map(functionKeys.map((key) => [config.functions[key].name ?? `${config.service}-${stage}-${key}`, key]));
  for (const key of functionKeys) node('function', key);
  // A function's event queue stands for the function itself.
  const functionOfQueue = new Map(plan.asyncConsumers.map((c) => [c.queue, c.functionKey]));
  const queueOrFunction = (queue: string) => (functionOfQueue.has(queue) ? `function:${functionOfQueue.get(queue)}` : node('queue', queue));
  const destination = (d: Destination) => {
    if (d.kind === 'lambda') return keyByName.has(d.name) ? `function:${keyByName.get(d.name)}` : node('function', d.name);
    const kinds = { sqs: 'queue', sns: 'topic', eventbridge: 'bus', s3: 'bucket' } as const;
    return node(kinds[d.kind], d.name);
  };

  for (const queue of plan.queues) {
    if (functionOfQueue.has(queue.name)) continue;
    node('queue', queue.name);
    if (!queue.attributes.RedrivePolicy) continue;
    const policy = JSON.parse(queue.attributes.RedrivePolicy) as { deadLetterTargetArn: string; maxReceiveCount: number | string };
    edge(`queue:${queue.name}`, node('queue', nameFromArn(policy.deadLetterTargetArn)), 'dead-letter', `after ${policy.maxReceiveCount} receives`);
  }
  for (const topic of plan.topics) node('topic', topic);
  for (const s of plan.subscriptions) {
    const filter = s.filterPolicy ? `filter ${JSON.stringify(s.filterPolicy)}` : undefined;
    edge(node('topic', s.topic), queueOrFunction(s.queue), functionOfQueue.has(s.queue) ? 'trigger' : 'subscription', filter);
  }
  for (const n of plan.notifications) {
    const label = [n.events.join(', '), n.prefix && `prefix ${n.prefix}`, n.suffix && `suffix ${n.suffix}`].filter(Boolean).join(' · ');
    edge(node('bucket', n.bucket), queueOrFunction(n.queue), functionOfQueue.has(n.queue) ? 'trigger' : 'subscription', label);
  }
  for (const s of plan.schedules) {
    const to = s.queue ? queueOrFunction(s.queue) : node('topic', s.topic!);
    edge(node('schedule', s.expression), to, s.queue && functionOfQueue.has(s.queue) ? 'trigger' : 'subscription', s.ruleName);
  }
  for (const rule of plan.eventRules) {
    const bus = node('bus', rule.eventBus);
    for (const target of rule.targets) {
      const name = nameFromArn(target.arn);
      const to = target.arn.startsWith('arn:aws:sns:') ? node('topic', name) : queueOrFunction(name);
      edge(bus, to, to.startsWith('function:') ? 'trigger' : 'subscription', `rule ${rule.name}: ${JSON.stringify(rule.pattern)}`);
      if (target.deadLetterArn) edge(bus, node('queue', nameFromArn(target.deadLetterArn)), 'dead-letter', `rule ${rule.name}, target ${target.id}`);
    }
  }
  for (const c of plan.asyncConsumers) {
    if (c.onSuccess) edge(`function:${c.functionKey}`, destination(c.onSuccess), 'on-success');
    if (c.onFailure) edge(`function:${c.functionKey}`, destination(c.onFailure), 'on-failure', `after ${c.maximumRetryAttempts} retries`);
  }
  for (const c of plan.streamConsumers) {
    const label = [`batch ${c.batchSize}`, c.bisectBatchOnFunctionError && 'bisect', c.startingPosition].filter(Boolean).join(' · ');
    edge(node(c.source === 'kinesis' ? 'stream' : 'table', c.stream), `function:${c.functionKey}`, 'trigger', label);
    if (c.onFailure) edge(`function:${c.functionKey}`, destination(c.onFailure), 'on-failure', `after ${c.maximumRetryAttempts} retries`);
  }

  // What serverless-offline and serverless-offline-sqs run: read from the functions' events.
  const { text } = createResolver(config.resources?.Resources ?? {}, { region: plan.region, accountId: plan.accountId, sqsEndpoint: '' });
  for (const [key, fn] of Object.entries(config.functions)) {
    for (const event of fn.events ?? []) {
      if (event.sqs) {
        const sqs = event.sqs as { arn?: unknown; batchSize?: number } | string;
        const arn = typeof sqs === 'object' && sqs !== null && 'arn' in sqs ? sqs.arn : sqs;
        edge(
          node('queue', nameFromArn(text(arn))),
          `function:${key}`,
          'trigger',
          typeof sqs === 'object' && sqs.batchSize ? `batch ${sqs.batchSize}` : undefined,
        );
      }
      for (const type of ['httpApi', 'http'] as const) {
        const spec = event[type] as { method?: string; path?: string } | string | undefined;
        if (spec === undefined) continue;
        const route = typeof spec === 'string' ? spec : `${(spec.method ?? 'ANY').toUpperCase()} ${spec.path ?? '/'}`;
        edge(node('http', route), `function:${key}`, 'trigger');
      }
      if (event.websocket) {
        const spec = event.websocket as { route?: string } | string;
        edge(node('websocket', typeof spec === 'string' ? spec : (spec.route ?? '$default')), `function:${key}`, 'trigger');
      }
    }
  }
  return { service: config.service, nodes: [...nodes.values()], edges };
}

/** `GET /api/wiring`: the wiring, worked out once at start (serverless.yml does not change while it runs). */
export const wiringRoutes = (wiring: Wiring): Route[] => [{ method: 'GET', path: '/api/wiring', handle: () => ({ status: 200, body: wiring }) }];
