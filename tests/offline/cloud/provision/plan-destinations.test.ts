import { asyncQueueName, planLocalCloud, type ServiceConfig } from '../../../../offline/cloud/provision/plan';
import { failureQueues } from '../../../../offline/cloud/dlq';

/** The plan's warnings, but for the lines about resources it creates because events name them by ARN alone (plan-undeclared's own tests cover those). */
const warningsBesidesUndeclared = (plan: { warnings: string[] }) => plan.warnings.filter((line) => !line.includes('is not declared in resources'));

const NAMES = { stage: 'local', accountId: '000000000000', sqsEndpoint: 'http://127.0.0.1:19324' };
const ARN = (service: string, resource: string) => `arn:aws:${service}:eu-central-1:000000000000:${resource}`;
const service = (functions: ServiceConfig['functions']): ServiceConfig => ({
  service: 'shop',
  provider: { region: 'eu-central-1' },
  functions,
  resources: { Resources: { Failures: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'shop-failures' } } } },
});
const SNS = { sns: ARN('sns', 'events') };

describe('planLocalCloud: functions’ destinations', () => {
  it('gives an async consumer its onSuccess and onFailure destinations, of any kind', () => {
    const plan = planLocalCloud(
      service({
        onEvent: {
          destinations: { onSuccess: ARN('events', 'event-bus/orders'), onFailure: { type: 'sqs', arn: { 'Fn::GetAtt': ['Failures', 'Arn'] } } },
          events: [SNS],
        },
      }),
      NAMES,
    );

    expect(plan.asyncConsumers).toEqual([
      expect.objectContaining({
        functionKey: 'onEvent',
        onSuccess: { kind: 'eventbridge', arn: ARN('events', 'event-bus/orders'), name: 'orders' },
        onFailure: { kind: 'sqs', arn: ARN('sqs', 'shop-failures'), name: 'shop-failures' },
      }),
    ]);
    expect(warningsBesidesUndeclared(plan)).toEqual([]);
  });

  it('gives a function that is a destination an event queue and consumer of its own, and runs its own destinations (chains)', () => {
    const plan = planLocalCloud(
      service({
        onEvent: { destinations: { onFailure: 'recover' }, events: [SNS] },
        recover: { timeout: 20, maximumRetryAttempts: 1, destinations: { onSuccess: 'audit' } },
        audit: { name: 'shop-audit-fn' },
      }),
      NAMES,
    );

    expect(plan.asyncConsumers.map((c) => [c.functionKey, c.source, c.queue])).toEqual([
      ['onEvent', 'sns', asyncQueueName('shop', 'local', 'onEvent')],
      ['recover', 'invoke', asyncQueueName('shop', 'local', 'recover')],
      ['audit', 'invoke', asyncQueueName('shop', 'local', 'audit')],
    ]);
    expect(plan.asyncConsumers[0].onFailure).toEqual({ kind: 'lambda', arn: ARN('lambda', 'function:shop-local-recover'), name: 'shop-local-recover' });
    expect(plan.asyncConsumers[1]).toMatchObject({
      functionName: 'shop-local-recover',
      maximumRetryAttempts: 1,
      onSuccess: { kind: 'lambda', name: 'shop-audit-fn' },
    });
    expect(plan.asyncConsumers[2]).toMatchObject({ functionName: 'shop-audit-fn' });
    expect(plan.queues).toContainEqual({ name: asyncQueueName('shop', 'local', 'recover'), attributes: { VisibilityTimeout: '25' } });
    expect(warningsBesidesUndeclared(plan)).toEqual([]);
  });

  it('warns, one line per function and property, for destinations of functions only sqs or streams trigger, and runs none', () => {
    const plan = planLocalCloud(
      service({
        pay: { destinations: { onSuccess: ARN('sqs', 'ok'), onFailure: ARN('sqs', 'ko') }, events: [{ sqs: { arn: ARN('sqs', 'payments') } }] },
        aggregate: { destinations: { onFailure: ARN('sns', 'alerts') }, events: [{ stream: { type: 'dynamodb', arn: ARN('dynamodb', 'table/t/stream/1') } }] },
        api: { destinations: { onSuccess: ARN('sqs', 'ok') }, events: [{ http: { path: '/', method: 'get' } }] },
      }),
      NAMES,
    );

    expect(warningsBesidesUndeclared(plan)).toEqual([
      "pay: destinations.onSuccess is not run locally (an sqs-triggered function's failures go through its queue's redrive policy)",
      "pay: destinations.onFailure is not run locally (an sqs-triggered function's failures go through its queue's redrive policy)",
      "aggregate: destinations.onFailure is not run locally (a stream-triggered function's failures go to its stream event's destinations.onFailure)",
      'api: destinations.onSuccess is not run locally (nothing invokes the function asynchronously in the local cloud)',
    ]);
    expect(plan.asyncConsumers).toEqual([]);
  });

  it('warns for a function destination outside the service, and keeps the other destination', () => {
    const plan = planLocalCloud(
      service({ onEvent: { destinations: { onSuccess: ARN('lambda', 'function:elsewhere'), onFailure: ARN('sqs', 'ko') }, events: [SNS] } }),
      NAMES,
    );

    expect(warningsBesidesUndeclared(plan)).toEqual(['onEvent: destinations.onSuccess is not run locally (function elsewhere is not part of this service)']);
    expect(plan.asyncConsumers[0].onSuccess).toBeUndefined();
    expect(plan.asyncConsumers[0].onFailure).toMatchObject({ kind: 'sqs', name: 'ko' });
  });

  it('refuses an S3 bucket as an on-success destination, as Lambda does', () => {
    expect(() => planLocalCloud(service({ onEvent: { destinations: { onSuccess: 'arn:aws:s3:::bucket' }, events: [SNS] } }), NAMES)).toThrow(
      'function onEvent, destinations.onSuccess: an S3 bucket can only be an on-failure destination',
    );
  });

  it('lists SQS on-failure destinations once per function for dlq:list and dlq:redrive, not the other kinds', () => {
    const plan = planLocalCloud(
      service({
        both: { destinations: { onFailure: ARN('sqs', 'both-failures') }, events: [SNS, { s3: 'uploads' }] },
        topic: { destinations: { onFailure: ARN('sns', 'alerts') }, events: [SNS] },
      }),
      NAMES,
    );

    expect(failureQueues(plan)).toEqual([
      { kind: 'async-destination', queue: 'both-failures', functionKey: 'both', eventQueue: asyncQueueName('shop', 'local', 'both') },
    ]);
  });
});
