import { planLocalCloud, type ServiceConfig } from '../../../../offline/cloud/provision/plan';

const NAMES = { stage: 'local', accountId: '000000000000', sqsEndpoint: 'http://127.0.0.1:19324' };
const ARN = 'arn:aws:%s:eu-central-1:123456789012:%s';
const arn = (service: string, resource: string) => ARN.replace('%s', service).replace('%s', resource);
const service = (events: Record<string, unknown>[], resources: NonNullable<ServiceConfig['resources']>['Resources'] = {}): ServiceConfig => ({
  service: 'shop',
  provider: { region: 'eu-central-1' },
  functions: { worker: { events } },
  resources: { Resources: resources },
});

describe('planLocalCloud: resources an event names by ARN but nothing declares (existing on AWS)', () => {
  it('creates an SNS topic, a queue, a Kinesis stream, saying so once each', () => {
    const plan = planLocalCloud(
      service([
        { sns: { arn: arn('sns', 'legacy-events') } },
        { sqs: arn('sqs', 'legacy-jobs') },
        { stream: { type: 'kinesis', arn: arn('kinesis', 'stream/legacy-clicks') } },
      ]),
      NAMES,
    );

    expect(plan.topics).toContain('legacy-events');
    expect(plan.queues.map((q) => q.name)).toContain('legacy-jobs');
    expect(plan.streams).toContainEqual({ name: 'legacy-clicks', shardCount: 1 });
    expect(plan.warnings).toEqual([
      'worker: sns topic legacy-events is not declared in resources; created locally',
      'worker: sqs queue legacy-jobs is not declared in resources; created locally',
      'worker: kinesis stream legacy-clicks is not declared in resources; created locally',
    ]);
  });

  it("creates a DynamoDB stream's table, with a key and a stream, saying which", () => {
    const plan = planLocalCloud(service([{ stream: { type: 'dynamodb', arn: arn('dynamodb', 'table/legacy-users/stream/2024-01-01T00:00:00.000') } }]), NAMES);

    const table = plan.tables.find((t) => t.name === 'legacy-users');
    expect(table?.properties).toMatchObject({
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    expect(plan.warnings).toEqual([
      'worker: dynamodb table legacy-users is not declared in resources; created locally with a key pk (S) and a NEW_AND_OLD_IMAGES stream',
    ]);
  });

  it('reads an ARN written with Fn::Sub, and a FIFO queue stays FIFO', () => {
    const plan = planLocalCloud(service([{ sqs: { arn: { 'Fn::Sub': 'arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:legacy.fifo' } } }]), NAMES);

    expect(plan.warnings).toEqual(['worker: sqs queue legacy.fifo is not declared in resources; created locally']);
    expect(plan.queues.map((q) => q.name)).toContain('legacy.fifo');
  });

  it('says nothing of what is declared, referred to by Ref, GetAtt or its literal ARN', () => {
    const resources = {
      Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'events' } },
      Jobs: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'jobs' } },
    };
    const plan = planLocalCloud(
      service(
        [{ sns: { arn: { Ref: 'Topic' }, topicName: 'events' } }, { sqs: { arn: { 'Fn::GetAtt': ['Jobs', 'Arn'] } } }, { sqs: arn('sqs', 'jobs') }],
        resources,
      ),
      NAMES,
    );

    expect(plan.warnings).toEqual([]);
    expect(plan.queues.filter((q) => q.name === 'jobs')).toHaveLength(1);
    expect(plan.topics).toEqual(['events']);
  });

  it('says nothing of a topic named, not ARN-ed: Serverless creates that one', () => {
    expect(planLocalCloud(service([{ sns: 'alerts' }]), NAMES).warnings).toEqual([]);
  });

  it('says it once for a resource two events name', () => {
    const plan = planLocalCloud(service([{ sns: arn('sns', 'shared') }, { sns: { arn: arn('sns', 'shared'), filterPolicy: { a: ['b'] } } }]), NAMES);

    expect(plan.warnings).toHaveLength(1);
    expect(plan.topics.filter((t) => t === 'shared')).toHaveLength(1);
  });
});
