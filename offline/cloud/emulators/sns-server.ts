import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compileFilterPolicy, filterPolicyErrors, FILTER_POLICY_SCOPES, type FilterPolicyScope, type SnsAttributes } from '../patterns/filter-policy';
import { readBody } from './read-body';
import type { CloudObserver } from '../trace/api-tap';
import { faultMessage, statusOf } from '../trace/api-tap';
import { attribute, correlationInJson } from '../trace/correlation';

/** How a published message reaches an SQS subscriber; the SQS emulator does the rest. */
export type SqsDelivery = (queueArn: string, body: string, attributes?: SnsAttributes) => Promise<void>;

type Subscription = {
  arn: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  attributes: Record<string, string>;
  /** The filter policy compiled when it is set; undefined lets every message through. */
  filter?: (attributes: SnsAttributes, body: string) => boolean;
};

type Topic = { arn: string; name: string; attributes: Record<string, string> };

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

class SnsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A small SNS (query protocol) for the embedded local cloud: topics, SQS subscriptions with raw
 * delivery and filter policies (on attributes or, with FilterPolicyScope MessageBody, on the body), Publish. SNS → Lambda runs through an SQS subscription that the
 * local cloud consumes with Lambda's async semantics, the same way in both local modes.
 */
export function createSnsService(options: {
  region: string;
  accountId: string;
  endpoint: string;
  deliver: SqsDelivery;
  onDeliveryError: (error: unknown) => void;
  observer?: CloudObserver;
}) {
  const topics = new Map<string, Topic>();
  const subscriptions = new Map<string, Subscription>();
  const topicArn = (name: string) => `arn:aws:sns:${options.region}:${options.accountId}:${name}`;

  const requireTopic = (arn: string | undefined): Topic => {
    const topic = arn ? topics.get(arn) : undefined;
    if (!topic) throw new SnsError(404, 'NotFound', 'Topic does not exist');
    return topic;
  };

  const actions: Record<string, (p: Record<string, string>) => string> = {
    CreateTopic(p) {
      if (!p.Name || !/^[\w-]{1,256}$/.test(p.Name)) throw new SnsError(400, 'InvalidParameter', 'Invalid parameter: Topic Name');
      const arn = topicArn(p.Name);
      if (!topics.has(arn)) topics.set(arn, { arn, name: p.Name, attributes: entries(p, 'Attributes') });
      return `<TopicArn>${arn}</TopicArn>`;
    },
    DeleteTopic(p) {
      topics.delete(p.TopicArn);
      for (const [arn, sub] of subscriptions) if (sub.topicArn === p.TopicArn) subscriptions.delete(arn);
      return '';
    },
    ListTopics() {
      return `<Topics>${[...topics.keys()].map((arn) => `<member><TopicArn>${arn}</TopicArn></member>`).join('')}</Topics>`;
    },
    GetTopicAttributes(p) {
      const topic = requireTopic(p.TopicArn);
      const attributes = { ...topic.attributes, TopicArn: topic.arn, Owner: options.accountId };
      return `<Attributes>${Object.entries(attributes)
        .map(([k, v]) => `<entry><key>${k}</key><value>${xml(v)}</value></entry>`)
        .join('')}</Attributes>`;
    },
    Subscribe(p) {
      const topic = requireTopic(p.TopicArn);
      if (p.Protocol !== 'sqs') throw new SnsError(400, 'InvalidParameter', `Protocol ${p.Protocol} is not supported locally; subscribe an SQS queue`);
      const attributes = entries(p, 'Attributes');
      // Subscribing the same endpoint twice returns the existing subscription, as SNS does.
      const existing = [...subscriptions.values()].find((s) => s.topicArn === topic.arn && s.endpoint === p.Endpoint);
      const sub: Subscription = existing ?? {
        arn: `${topic.arn}:${randomUUID()}`,
        topicArn: topic.arn,
        protocol: p.Protocol,
        endpoint: p.Endpoint,
        attributes: {},
      };
      const merged = { ...sub.attributes, ...attributes };
      sub.filter = subscriptionFilter(merged);
      sub.attributes = merged;
      subscriptions.set(sub.arn, sub);
      return `<SubscriptionArn>${sub.arn}</SubscriptionArn>`;
    },
    SetSubscriptionAttributes(p) {
      const sub = subscriptions.get(p.SubscriptionArn);
      if (!sub) throw new SnsError(404, 'NotFound', 'Subscription does not exist');
      const merged = { ...sub.attributes, [p.AttributeName]: p.AttributeValue ?? '' };
      sub.filter = subscriptionFilter(merged);
      sub.attributes = merged;
      return '';
    },
    Unsubscribe(p) {
      subscriptions.delete(p.SubscriptionArn);
      return '';
    },
    ListSubscriptionsByTopic(p) {
      const members = [...subscriptions.values()]
        .filter((s) => s.topicArn === p.TopicArn)
        .map(
          (s) =>
            `<member><SubscriptionArn>${s.arn}</SubscriptionArn><TopicArn>${s.topicArn}</TopicArn><Protocol>${s.protocol}</Protocol><Endpoint>${s.endpoint}</Endpoint><Owner>${options.accountId}</Owner></member>`,
        );
      return `<Subscriptions>${members.join('')}</Subscriptions>`;
    },
    Publish(p) {
      if (p.Message === undefined) throw new SnsError(400, 'InvalidParameter', 'Invalid parameter: Message');
      return `<MessageId>${publish(p.TopicArn ?? p.TargetArn, p)}</MessageId>`;
    },
  };

  /** Fans a message out to the topic's subscribers; the message id. Throws NotFound for an unknown topic. */
  function publish(arn: string | undefined, p: Record<string, string>): string {
    const topic = requireTopic(arn);
    const messageId = randomUUID();
    const attributes = messageAttributes(p);
    const timestamp = new Date().toISOString();
    if (options.observer?.tracing) {
      const correlationIds = [attribute(attributes), correlationInJson(p.Message)].filter((id): id is string => Boolean(id));
      const hop = { kind: 'publish' as const, at: Date.now(), outcome: 'ok' as const, service: 'sns', action: 'Publish', target: topic.name };
      options.observer.record(hop, { correlationIds: [...new Set(correlationIds)], links: [`msg:${messageId}`] });
    }
    for (const sub of subscriptions.values()) {
      if (sub.topicArn !== topic.arn) continue;
      if (sub.filter && !sub.filter(attributes, p.Message)) continue;
      const raw = sub.attributes.RawMessageDelivery === 'true';
      const body = raw ? p.Message : JSON.stringify(envelope(options.endpoint, topic.arn, sub.arn, messageId, p, attributes, timestamp));
      // Delivery is asynchronous, as in SNS: Publish answers before subscribers have the message.
      options.deliver(sub.endpoint, body, raw ? attributes : {}).catch(options.onDeliveryError);
    }
    return messageId;
  }

  const handle = async function handleSns(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = Object.fromEntries(new URLSearchParams(await readBody(req)));
    const requestId = randomUUID();
    const action = params.Action;
    try {
      const run = actions[action];
      if (!run) throw new SnsError(400, 'InvalidAction', `The action ${action} is not valid for this endpoint.`);
      const fault = options.observer?.apiFault('sns', action);
      if (fault) throw new SnsError(statusOf(fault.error), fault.error, faultMessage(fault));
      const result = run(params);
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        `<${action}Response xmlns="${XMLNS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
      );
    } catch (error) {
      const e = error instanceof SnsError ? error : new SnsError(500, 'InternalError', (error as Error).message);
      res.writeHead(e.status, { 'content-type': 'text/xml' });
      res.end(
        `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${e.status < 500 ? 'Sender' : 'Receiver'}</Type><Code>${e.code}</Code><Message>${xml(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
    }
  };
  /** For other services of the cloud (EventBridge targets): Publish without the HTTP round trip. */
  return Object.assign(handle, { publish: (topicArn: string, message: string) => publish(topicArn, { Message: message }) });
}

/** A subscription's FilterPolicy under its FilterPolicyScope, validated and compiled once, as SNS does on Subscribe. */
function subscriptionFilter(attributes: Record<string, string>): Subscription['filter'] {
  const scope = (attributes.FilterPolicyScope || 'MessageAttributes') as FilterPolicyScope;
  if (!FILTER_POLICY_SCOPES.includes(scope)) {
    throw new SnsError(
      400,
      'InvalidParameter',
      `Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value [${scope}]. Please use either MessageBody or MessageAttributes`,
    );
  }
  if (!attributes.FilterPolicy) return undefined;
  let policy: unknown;
  try {
    policy = JSON.parse(attributes.FilterPolicy);
  } catch {
    throw new SnsError(400, 'InvalidParameter', 'Invalid parameter: FilterPolicy: failed to parse JSON');
  }
  const errors = filterPolicyErrors(policy, scope);
  if (errors.length > 0) throw new SnsError(400, 'InvalidParameter', `Invalid parameter: FilterPolicy: ${errors.join('; ')}`);
  return compileFilterPolicy(policy as Record<string, unknown>, scope);
}

/** The JSON envelope SNS wraps a message in for non-raw subscribers. */
function envelope(
  endpoint: string,
  topicArn: string,
  subscriptionArn: string,
  messageId: string,
  p: Record<string, string>,
  attributes: SnsAttributes,
  timestamp: string,
) {
  return {
    Type: 'Notification',
    MessageId: messageId,
    TopicArn: topicArn,
    ...(p.Subject ? { Subject: p.Subject } : {}),
    Message: p.Message,
    Timestamp: timestamp,
    SignatureVersion: '1',
    Signature: 'LOCAL',
    SigningCertURL: `${endpoint}/local-sns.pem`,
    UnsubscribeURL: `${endpoint}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
    MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([name, a]) => [name, { Type: a.DataType, Value: a.StringValue }])),
  };
}

/** `Prefix.entry.N.key/value` pairs of the query protocol as a map. */
function entries(p: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; p[`${prefix}.entry.${i}.key`] !== undefined; i++) out[p[`${prefix}.entry.${i}.key`]] = p[`${prefix}.entry.${i}.value`] ?? '';
  return out;
}

function messageAttributes(p: Record<string, string>): SnsAttributes {
  const out: SnsAttributes = {};
  for (let i = 1; p[`MessageAttributes.entry.${i}.Name`] !== undefined; i++) {
    const base = `MessageAttributes.entry.${i}`;
    out[p[`${base}.Name`]] = { DataType: p[`${base}.Value.DataType`] ?? 'String', StringValue: p[`${base}.Value.StringValue`] };
  }
  return out;
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
