import '../../support/quiet-sdk';
import { CreateTopicCommand, PublishCommand, SetSubscriptionAttributesCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { localClients, type LocalClients } from '../../../../offline/cloud/provision/clients';
import { asyncQueueName, planLocalCloud } from '../../../../offline/cloud/provision/plan';
import { provision } from '../../../../offline/cloud/provision/provision';
import { sleep } from '../../support/eventually';
import { ACCOUNT_ID, REGION, startTestCloud, type TestCloud } from '../../support/test-cloud';

const order = (kind: string, total: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ kind, order: { id: `o-${kind}-${total}`, total }, ...extra });

describe('SNS filter policies with FilterPolicyScope, over real sockets', () => {
  let cloud: TestCloud;
  let n = 0;
  const unique = (prefix: string) => `${prefix}-${++n}-${Date.now()}`;

  beforeAll(async () => {
    cloud = await startTestCloud();
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  /** What reached a queue: the expected count, then nothing more after a pause (deliveries are asynchronous). */
  async function delivered(queueUrl: string, expected: number): Promise<string[]> {
    const bodies = (await cloud.receive(queueUrl, expected)).map((m) => m.Body!);
    await sleep(300);
    return [...bodies, ...(await cloud.drain(queueUrl)).map((m) => m.Body!)];
  }

  async function topicWithQueues(...names: string[]) {
    const { TopicArn } = await cloud.sdk.sns.send(new CreateTopicCommand({ Name: unique('orders') }));
    const queues = await Promise.all(names.map((name) => cloud.createQueue(unique(name))));
    return { topicArn: TopicArn!, queues };
  }

  const subscribe = (topicArn: string, queueUrl: string, attributes: Record<string, string>) =>
    cloud.sdk.sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: cloud.queueArn(queueUrl.split('/').pop()!),
        Attributes: { RawMessageDelivery: 'true', ...attributes },
        ReturnSubscriptionArn: true,
      }),
    );

  it('a MessageBody-scoped policy filters deliveries on the JSON body; an unfiltered subscriber gets everything', async () => {
    const {
      topicArn,
      queues: [bigOrders, everything],
    } = await topicWithQueues('big-orders', 'everything');
    await subscribe(topicArn, bigOrders, {
      FilterPolicyScope: 'MessageBody',
      FilterPolicy: JSON.stringify({ kind: ['OrderPlaced'], order: { total: [{ numeric: ['>', 100] }] } }),
    });
    await subscribe(topicArn, everything, {});
    const messages = [
      order('OrderPlaced', 250), // matches
      order('OrderPlaced', 50), // total too small
      order('OrderPaid', 250), // another kind
      'OrderPlaced 250', // not JSON: a body policy never matches it
      order('OrderPlaced', 101, { channel: 'web' }), // matches
    ];

    for (const Message of messages) await cloud.sdk.sns.send(new PublishCommand({ TopicArn: topicArn, Message }));

    expect((await delivered(bigOrders, 2)).sort()).toEqual([messages[0], messages[4]].sort());
    expect(await delivered(everything, messages.length)).toHaveLength(messages.length);
  });

  it('the default scope still filters on message attributes, not on the body', async () => {
    const {
      topicArn,
      queues: [paid],
    } = await topicWithQueues('paid');
    await subscribe(topicArn, paid, { FilterPolicy: JSON.stringify({ eventType: ['OrderPaid'] }) });

    await cloud.sdk.sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify({ eventType: 'OrderPaid' }) }));
    await cloud.sdk.sns.send(
      new PublishCommand({ TopicArn: topicArn, Message: 'by attribute', MessageAttributes: { eventType: { DataType: 'String', StringValue: 'OrderPaid' } } }),
    );

    expect(await delivered(paid, 1)).toEqual(['by attribute']);
  });

  it('SetSubscriptionAttributes switches an existing subscription to the MessageBody scope', async () => {
    const {
      topicArn,
      queues: [queue],
    } = await topicWithQueues('switched');
    const { SubscriptionArn } = await subscribe(topicArn, queue, { FilterPolicy: JSON.stringify({ kind: ['OrderPlaced'] }) });

    await cloud.sdk.sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'FilterPolicyScope', AttributeValue: 'MessageBody' }));
    await cloud.sdk.sns.send(new PublishCommand({ TopicArn: topicArn, Message: order('OrderPaid', 1) }));
    await cloud.sdk.sns.send(new PublishCommand({ TopicArn: topicArn, Message: order('OrderPlaced', 1) }));

    expect(await delivered(queue, 1)).toEqual([order('OrderPlaced', 1)]);
  });

  it.each([
    [
      'an unknown operator',
      { FilterPolicy: JSON.stringify({ kind: [{ prefx: 'Order' }] }) },
      /Invalid parameter: FilterPolicy: "kind": Unrecognized match type prefx/,
    ],
    [
      'a nested policy under the MessageAttributes scope',
      { FilterPolicy: JSON.stringify({ order: { total: [1] } }) },
      /MessageAttributes does not support nested filter policy/,
    ],
    ['a policy that is not JSON', { FilterPolicy: '{kind' }, /Invalid parameter: FilterPolicy/],
    ['an unknown scope', { FilterPolicyScope: 'Body', FilterPolicy: JSON.stringify({ kind: ['x'] }) }, /FilterPolicyScope: Invalid value \[Body\]/],
  ])('Subscribe rejects %s with InvalidParameter, as SNS does', async (_description, attributes, message) => {
    const {
      topicArn,
      queues: [queue],
    } = await topicWithQueues('rejected');

    await expect(subscribe(topicArn, queue, attributes)).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringMatching(message) });
  });

  describe("from serverless.yml's sns event filterPolicyScope, through plan and provision", () => {
    let clients: LocalClients;

    afterAll(() => {
      for (const client of Object.values(clients ?? {})) client.destroy();
    });

    it('delivers to the function only the messages whose body matches', async () => {
      const topic = unique('shop-events');
      const plan = planLocalCloud(
        {
          service: 'shop',
          provider: { region: REGION },
          functions: {
            onBigOrder: {
              events: [
                {
                  sns: {
                    arn: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:${topic}`,
                    topicName: topic,
                    filterPolicyScope: 'MessageBody',
                    filterPolicy: { order: { total: [{ numeric: ['>=', 1000] }] } },
                  },
                },
              ],
            },
          },
        },
        { stage: 'local', accountId: ACCOUNT_ID, sqsEndpoint: cloud.sqsEndpoint },
      );
      expect(plan.subscriptions).toEqual([expect.objectContaining({ topic, filterPolicyScope: 'MessageBody' })]);
      clients = localClients({ region: REGION, sqs: cloud.sqsEndpoint, edge: cloud.edge, lambda: 'http://127.0.0.1:9', accessKeyId: 'test' });
      await provision(plan, clients);

      const TopicArn = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:${topic}`;
      await cloud.sdk.sns.send(new PublishCommand({ TopicArn, Message: order('OrderPlaced', 999) }));
      await cloud.sdk.sns.send(new PublishCommand({ TopicArn, Message: order('OrderPlaced', 1000) }));

      const envelopes = (await delivered(cloud.queueUrl(asyncQueueName('shop', 'local', 'onBigOrder')), 1)).map((body) => JSON.parse(body));
      expect(envelopes.map((e) => e.Message)).toEqual([order('OrderPlaced', 1000)]);
    });

    it.each([
      [
        'an unknown scope',
        { filterPolicyScope: 'Body', filterPolicy: { a: ['x'] } },
        /^function onEvent, sns event: filterPolicyScope must be MessageAttributes or MessageBody, found "Body"$/,
      ],
      [
        'an invalid policy',
        { filterPolicy: { a: [{ numeric: ['>', 5, '<', 1] }] } },
        /^function onEvent, sns event: filterPolicy is not valid: "a": Bottom must be less than top$/,
      ],
      [
        'a nested policy on attributes',
        { filterPolicy: { a: { b: ['x'] } } },
        /^function onEvent, sns event: filterPolicy is not valid: .*does not support nested filter policy$/,
      ],
    ])('the plan names the function and property of %s', (_description, filter, message) => {
      const config = {
        service: 'shop',
        provider: {},
        functions: { onEvent: { events: [{ sns: { arn: 'arn:aws:sns:us-east-1:000000000000:t', topicName: 't', ...filter } }] } },
      };
      expect(() => planLocalCloud(config, { stage: 'local', accountId: ACCOUNT_ID, sqsEndpoint: cloud.sqsEndpoint })).toThrow(message);
    });
  });
});
