import '../../support/quiet-sdk';
import { ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { startAsyncConsumer } from '../../../../offline/cloud/async/async-consumer';
import { createDestinationSender } from '../../../../offline/cloud/lambda/destinations';
import { localClients, type LocalClients } from '../../../../offline/cloud/provision/clients';
import { planLocalCloud, type LocalCloudPlan } from '../../../../offline/cloud/provision/plan';
import { provision } from '../../../../offline/cloud/provision/provision';
import { eventually } from '../../support/eventually';
import { failTimes, startFakeLambda, type FakeLambda } from '../../support/fake-lambda';
import { ACCOUNT_ID, REGION, startTestCloud, type TestCloud } from '../../support/test-cloud';

describe('EventBridge provisioned from serverless.yml through the SDK, a rule reaching a function', () => {
  let cloud: TestCloud;
  let lambda: FakeLambda;
  let clients: LocalClients;
  let plan: LocalCloudPlan;

  beforeAll(async () => {
    [cloud, lambda] = await Promise.all([startTestCloud(), startFakeLambda()]);
    clients = localClients({ region: REGION, sqs: cloud.sqsEndpoint, edge: cloud.edge, lambda: lambda.endpoint, accessKeyId: 'test' });
    plan = planLocalCloud(
      {
        service: 'shop',
        provider: { region: REGION, stage: 'local' },
        functions: {
          ship: {
            maximumRetryAttempts: 1,
            events: [{ eventBridge: { eventBus: 'shop-bus', pattern: { source: ['shop.orders'], 'detail-type': ['OrderPlaced'] } } }],
          },
        },
        resources: {
          Resources: {
            Audit: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'shop-audit' } },
            AuditRule: {
              Type: 'AWS::Events::Rule',
              Properties: {
                Name: 'audit-all',
                EventBusName: 'shop-bus',
                EventPattern: { source: [{ prefix: 'shop.' }] },
                Targets: [{ Id: 'audit', Arn: { 'Fn::GetAtt': ['Audit', 'Arn'] }, InputPath: '$.detail' }],
              },
            },
          },
        },
      },
      { stage: 'local', accountId: ACCOUNT_ID, sqsEndpoint: cloud.sqsEndpoint },
    );
  });

  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await Promise.all([cloud?.stop(), lambda?.stop()]);
  });

  it('provisions buses, rules and targets, and provisioning again changes nothing', async () => {
    await provision(plan, clients);
    await provision(plan, clients);

    const { Targets } = await cloud.sdk.eventbridge.send(new ListTargetsByRuleCommand({ Rule: 'shop-local-ship-rule-1', EventBusName: 'shop-bus' }));
    expect(Targets).toEqual([{ Id: 'shop-local-ship-rule-1-target', Arn: cloud.queueArn('shop-local-ship-async-events') }]);
  });

  it("runs the function with the event EventBridge delivered, with Lambda's async retries, as an async consumer of source eventbridge", async () => {
    lambda.script('shop-local-ship', failTimes(1));
    const consumer = startAsyncConsumer(plan.asyncConsumers[0], {
      clients,
      region: REGION,
      accountId: ACCOUNT_ID,
      retryDelaysSeconds: [0],
      concurrency: 1,
      log: () => undefined,
      sendToDestination: createDestinationSender(clients, { asyncQueueOf: () => undefined, log: () => undefined }),
    });
    try {
      const { Entries } = await cloud.sdk.eventbridge.send(
        new PutEventsCommand({ Entries: [{ EventBusName: 'shop-bus', Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: '{"orderId":"o-9"}' }] }),
      );

      const calls = await eventually(
        () => (lambda.invocations('shop-local-ship').length >= 2 ? lambda.invocations('shop-local-ship') : undefined),
        'the retried invocation',
      );
      expect(plan.asyncConsumers[0].source).toBe('eventbridge');
      expect(calls[1].event).toEqual(calls[0].event);
      expect(calls[0].event).toEqual({
        version: '0',
        id: Entries![0].EventId,
        'detail-type': 'OrderPlaced',
        source: 'shop.orders',
        account: ACCOUNT_ID,
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        region: REGION,
        resources: [],
        detail: { orderId: 'o-9' },
      });
      const [audited] = await cloud.receive(cloud.queueUrl('shop-audit'), 1);
      expect(JSON.parse(audited.Body!)).toEqual({ orderId: 'o-9' });
    } finally {
      await consumer.stop();
    }
  });
});
