import '../../support/quiet-sdk';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { localClients, type LocalClients } from '../../../../offline/cloud/provision/clients';
import { planLocalCloud, type ServiceConfig } from '../../../../offline/cloud/provision/plan';
import { planQueue } from '../../../../offline/cloud/provision/plan-queue';
import { provision } from '../../../../offline/cloud/provision/provision';
import { ACCOUNT_ID, startTestCloud, type TestCloud } from '../../support/test-cloud';

const NAMES = { stage: 'local', accountId: ACCOUNT_ID, sqsEndpoint: 'http://127.0.0.1:19324' };
const service = (Resources: NonNullable<ServiceConfig['resources']>['Resources']): ServiceConfig => ({
  service: 'shop',
  provider: {},
  functions: {},
  resources: { Resources },
});
const queue = (Properties: Record<string, unknown>) => ({ Type: 'AWS::SQS::Queue', Properties });

describe('planQueue', () => {
  it('keeps the FIFO attributes of a FIFO queue, as CreateQueue takes them', () => {
    const plan = planQueue('Orders', {
      QueueName: 'orders.fifo',
      FifoQueue: true,
      ContentBasedDeduplication: true,
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
      VisibilityTimeout: 30,
    });

    expect(plan).toEqual({
      name: 'orders.fifo',
      attributes: {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'true',
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
        VisibilityTimeout: '30',
      },
    });
  });

  it('accepts FifoQueue as the string a ${param} resolves to', () => {
    expect(planQueue('Orders', { QueueName: 'orders.fifo', FifoQueue: 'true' }).attributes).toEqual({ FifoQueue: 'true' });
  });

  it('gives a standard queue no FIFO attribute', () => {
    expect(planQueue('Orders', { QueueName: 'orders', FifoQueue: false, VisibilityTimeout: 5 }).attributes).toEqual({ VisibilityTimeout: '5' });
  });

  it.each([
    [
      'a .fifo name without FifoQueue',
      { QueueName: 'orders.fifo' },
      'Resource Orders (AWS::SQS::Queue orders.fifo): QueueName ends with .fifo but FifoQueue is not true',
    ],
    [
      'FifoQueue without a .fifo name',
      { QueueName: 'orders', FifoQueue: true },
      'Resource Orders (AWS::SQS::Queue orders): QueueName of a FIFO queue (FifoQueue: true) must end with .fifo',
    ],
    [
      'FifoQueue neither true nor false',
      { QueueName: 'orders.fifo', FifoQueue: 'yes' },
      'Resource Orders (AWS::SQS::Queue orders.fifo): FifoQueue must be true or false, found yes',
    ],
    [
      'ContentBasedDeduplication on a standard queue',
      { QueueName: 'orders', ContentBasedDeduplication: true },
      'Resource Orders (AWS::SQS::Queue orders): ContentBasedDeduplication applies to FIFO queues only',
    ],
    [
      'DeduplicationScope on a standard queue',
      { QueueName: 'orders', DeduplicationScope: 'queue' },
      'Resource Orders (AWS::SQS::Queue orders): DeduplicationScope applies to FIFO queues only',
    ],
    [
      'FifoThroughputLimit on a standard queue',
      { QueueName: 'orders', FifoThroughputLimit: 'perQueue' },
      'Resource Orders (AWS::SQS::Queue orders): FifoThroughputLimit applies to FIFO queues only',
    ],
    [
      'perMessageGroupId throughput with queue-wide deduplication',
      { QueueName: 'orders.fifo', FifoQueue: true, FifoThroughputLimit: 'perMessageGroupId' },
      'Resource Orders (AWS::SQS::Queue orders.fifo): FifoThroughputLimit perMessageGroupId needs DeduplicationScope messageGroup',
    ],
    [
      'a FIFO queue redriving into a standard DLQ',
      {
        QueueName: 'orders.fifo',
        FifoQueue: true,
        RedrivePolicy: { deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:orders-dlq', maxReceiveCount: 3 },
      },
      'Resource Orders (AWS::SQS::Queue orders.fifo): RedrivePolicy.deadLetterTargetArn must be a FIFO queue like its source, found orders-dlq',
    ],
    [
      'a standard queue redriving into a FIFO DLQ',
      { QueueName: 'orders', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:dlq.fifo', maxReceiveCount: 3 }) },
      'Resource Orders (AWS::SQS::Queue orders): RedrivePolicy.deadLetterTargetArn must be a standard queue like its source, found dlq.fifo',
    ],
    ['no QueueName', { FifoQueue: true }, 'Resource Orders (AWS::SQS::Queue): QueueName is required locally'],
  ])('refuses %s, naming the resource and the property', (_case, properties, message) => {
    expect(() => planQueue('Orders', properties)).toThrow(message);
  });
});

describe('planLocalCloud with a FIFO queue and its FIFO DLQ', () => {
  const resources = {
    Orders: queue({
      QueueName: 'orders.fifo',
      FifoQueue: true,
      ContentBasedDeduplication: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['OrdersDlq', 'Arn'] }, maxReceiveCount: 2 },
    }),
    OrdersDlq: queue({ QueueName: 'orders-dlq.fifo', FifoQueue: true }),
  };

  it('plans both, the DLQ first, the redrive policy resolved to its .fifo ARN', () => {
    const plan = planLocalCloud(service(resources), NAMES);

    expect(plan.queues).toEqual([
      { name: 'orders-dlq.fifo', attributes: { FifoQueue: 'true' } },
      {
        name: 'orders.fifo',
        attributes: {
          FifoQueue: 'true',
          ContentBasedDeduplication: 'true',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:${ACCOUNT_ID}:orders-dlq.fifo`, maxReceiveCount: 2 }),
        },
      },
    ]);
  });

  describe('provisioned into the embedded SQS', () => {
    let cloud: TestCloud;
    let clients: LocalClients;

    beforeAll(async () => {
      cloud = await startTestCloud();
      clients = localClients({ region: 'us-east-1', sqs: cloud.sqsEndpoint, edge: cloud.edge, lambda: 'http://127.0.0.1:9', accessKeyId: 'test' });
    });

    afterAll(async () => {
      for (const client of Object.values(clients ?? {})) client.destroy();
      await cloud?.stop();
    });

    it('creates the FIFO queue with its attributes, twice without error', async () => {
      const plan = planLocalCloud(service(resources), NAMES);

      await provision(plan, clients);
      await provision(plan, clients);

      const { Attributes } = await cloud.sdk.sqs.send(new GetQueueAttributesCommand({ QueueUrl: cloud.queueUrl('orders.fifo'), AttributeNames: ['All'] }));
      expect(Attributes).toEqual(
        expect.objectContaining({ FifoQueue: 'true', ContentBasedDeduplication: 'true', DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue' }),
      );
      expect(JSON.parse(Attributes!.RedrivePolicy!)).toEqual({ deadLetterTargetArn: cloud.queueArn('orders-dlq.fifo'), maxReceiveCount: 2 });
    });

    it('names the queue when SQS refuses to create it', async () => {
      // A plan that did not come through planQueue: what SQS says must still point at the queue.
      const plan = { ...planLocalCloud(service({}), NAMES), queues: [{ name: 'refused.fifo', attributes: {} }] };

      await expect(provision(plan, clients)).rejects.toThrow(
        /^Could not create queue refused\.fifo \(\{\}\): Can only include alphanumeric characters, hyphens, or underscores/,
      );
    });
  });
});
