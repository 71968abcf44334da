import { GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { findFailureQueue, redrive, summarize } from '../dlq';
import type { LocalClients } from '../provision/clients';
import type { LocalCloudPlan } from '../provision/plan';
import { badRequest, notFound, type Route } from './route';
import type { Wiring, WiringEdge } from './wiring';

/** What a queue is to the service; `of` names the queue or function it belongs to. */
export type QueueRole = {
  kind: 'dead-letter' | 'on-failure-destination' | 'on-success-destination' | 'trigger' | 'event-queue' | 'subscription';
  of: string;
};

export type QueueDepth = {
  name: string;
  visible: number;
  inFlight: number;
  delayed: number;
  roles: QueueRole[];
  /** A DLQ or on-failure destination: `POST .../redrive` sends its messages back (as `npm run dlq:redrive`). */
  redrivable: boolean;
  /** Nothing polls it, so a receive that hides nothing can show its messages (see `peekable`). */
  peekable: boolean;
};

const PEEK_MAX = 10;

/**
 * `GET /api/queues`, `GET /api/queues/:name/messages`, `POST /api/queues/:name/redrive`.
 *
 * SQS has no peek: a receive is all there is, and it counts. Messages are shown by a ReceiveMessage
 * with VisibilityTimeout 0, which leaves them visible, but raises their receive count: on a queue with
 * a redrive policy that count moves a message to its DLQ, and a consumer polling it would see counts it
 * did not cause. So only queues that no event source polls and that redrive nowhere are shown (DLQs and
 * destinations, the ones worth reading); the others answer 409 saying why.
 */
export function queueRoutes(options: { plan: LocalCloudPlan; clients: LocalClients; wiring: Wiring; log(message: string): void }): Route[] {
  const { plan, clients, wiring } = options;
  const roles = queueRoles(plan, wiring);
  const queueNamed = (name: string) => plan.queues.find((q) => q.name === name) ?? plan.queues.find((q) => q.name.endsWith(`-${name}`));
  const peekable = (name: string) => {
    const mine = roles.get(name) ?? [];
    const queue = plan.queues.find((q) => q.name === name);
    return !queue?.attributes.RedrivePolicy && !mine.some((r) => r.kind === 'trigger' || r.kind === 'event-queue');
  };
  const urlOf = async (name: string) => (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;

  async function depth(name: string): Promise<QueueDepth> {
    const { Attributes = {} } = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: await urlOf(name),
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    return {
      name,
      visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
      roles: roles.get(name) ?? [],
      redrivable: findFailureQueue(plan, name)?.queue === name,
      peekable: peekable(name),
    };
  }

  return [
    {
      method: 'GET',
      path: '/api/queues',
      handle: async () => ({ status: 200, body: { queues: await Promise.all(plan.queues.map((q) => depth(q.name))) } }),
    },
    {
      method: 'GET',
      path: '/api/queues/:name/messages',
      async handle({ params, query }) {
        const queue = queueNamed(params.name);
        if (!queue) return notFound(`No queue ${params.name} in this service`);
        if (!peekable(queue.name)) {
          const polled = (roles.get(queue.name) ?? []).filter((r) => r.kind === 'trigger' || r.kind === 'event-queue').map((r) => r.of);
          const why = queue.attributes.RedrivePolicy ? 'a receive would count toward its maxReceiveCount' : `${polled.join(', ')} polls it`;
          return {
            status: 409,
            body: {
              error: {
                code: 'NOT_PEEKABLE',
                message: `${queue.name} cannot be read without changing it (${why}); SQS has no peek. Its depth is in GET /api/queues`,
              },
            },
          };
        }
        const max = query.has('max') ? Number(query.get('max')) : PEEK_MAX;
        if (!Number.isInteger(max) || max < 1 || max > PEEK_MAX) return badRequest(`max must be an integer from 1 to ${PEEK_MAX}`);
        const { Messages = [] } = await clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: await urlOf(queue.name),
            MaxNumberOfMessages: max,
            VisibilityTimeout: 0,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        const messages = Messages.map((m) => ({
          messageId: m.MessageId,
          summary: summarize(m.Body ?? ''),
          body: m.Body,
          attributes: m.Attributes ?? {},
          messageAttributes: m.MessageAttributes ?? {},
        }));
        return { status: 200, body: { queue: queue.name, messages } };
      },
    },
    {
      method: 'POST',
      path: '/api/queues/:name/redrive',
      async handle({ params }) {
        const target = findFailureQueue(plan, params.name);
        if (!target) return notFound(`${params.name} is not a DLQ or on-failure queue of this service`);
        const moved = await redrive(plan, clients, target.queue, options.log);
        return { status: 200, body: { queue: target.queue, moved, to: target.kind === 'dead-letter' ? target.source : target.functionKey } };
      },
    },
  ];
}

/** What an edge into a queue makes of it. */
const ROLE_OF_EDGE: Partial<Record<WiringEdge['kind'], QueueRole['kind']>> = {
  'dead-letter': 'dead-letter',
  'on-failure': 'on-failure-destination',
  'on-success': 'on-success-destination',
  subscription: 'subscription',
};

/** Each queue's roles, from the wiring (triggers, destinations, DLQs) and the plan (Lambda's event queues). */
export function queueRoles(plan: LocalCloudPlan, wiring: Wiring): Map<string, QueueRole[]> {
  const roles = new Map<string, QueueRole[]>();
  const add = (queue: string, role: QueueRole) => {
    const list = roles.get(queue) ?? roles.set(queue, []).get(queue)!;
    if (!list.some((r) => r.kind === role.kind && r.of === role.of)) list.push(role);
  };
  const nameOf = (id: string) => id.slice(id.indexOf(':') + 1);
  for (const e of wiring.edges) {
    if (e.from.startsWith('queue:') && e.kind === 'trigger') add(nameOf(e.from), { kind: 'trigger', of: nameOf(e.to) });
    if (!e.to.startsWith('queue:')) continue;
    const kind = ROLE_OF_EDGE[e.kind];
    if (kind) add(nameOf(e.to), { kind, of: nameOf(e.from) });
  }
  for (const c of plan.asyncConsumers) add(c.queue, { kind: 'event-queue', of: c.functionKey });
  return roles;
}
