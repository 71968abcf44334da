import { createResolver, nameFromArn, tableOfStreamArn, type CfnResources } from '../../../../offline/cloud/provision/intrinsics';

const NAMES = { region: 'eu-west-1', accountId: '123456789012', sqsEndpoint: 'http://127.0.0.1:19324' };

const RESOURCES: CfnResources = {
  PaymentsQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'orderflow-local-payments' } },
  OrderEventsTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'orderflow-local-order-events' } },
  ActivityStream: { Type: 'AWS::Kinesis::Stream', Properties: { Name: 'orderflow-local-order-activity', ShardCount: 1 } },
  OrdersTable: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'orderflow-local' } },
  LedgerTable: {
    Type: 'AWS::DynamoDB::Table',
    Properties: { TableName: 'orderflow-local-ledger', StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' } },
  },
  ReportsBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'orderflow-local-reports' } },
  UnnamedQueue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 30 } },
};

describe('createResolver', () => {
  const { resolve, text } = createResolver(RESOURCES, NAMES);

  describe('Ref', () => {
    it('gives a queue its URL on the local SQS endpoint', () => {
      expect(resolve({ Ref: 'PaymentsQueue' })).toBe('http://127.0.0.1:19324/123456789012/orderflow-local-payments');
    });

    it('gives a topic its ARN', () => {
      expect(resolve({ Ref: 'OrderEventsTopic' })).toBe('arn:aws:sns:eu-west-1:123456789012:orderflow-local-order-events');
    });

    it('gives a stream, a table and a bucket their names', () => {
      expect(resolve({ Ref: 'ActivityStream' })).toBe('orderflow-local-order-activity');
      expect(resolve({ Ref: 'OrdersTable' })).toBe('orderflow-local');
      expect(resolve({ Ref: 'ReportsBucket' })).toBe('orderflow-local-reports');
    });

    it('resolves the pseudo parameters', () => {
      expect(resolve({ Ref: 'AWS::Region' })).toBe('eu-west-1');
      expect(resolve({ Ref: 'AWS::AccountId' })).toBe('123456789012');
      expect(resolve({ Ref: 'AWS::Partition' })).toBe('aws');
      expect(resolve({ Ref: 'AWS::URLSuffix' })).toBe('amazonaws.com');
    });
  });

  describe('Fn::GetAtt', () => {
    it('gives each kind of resource its ARN', () => {
      expect(resolve({ 'Fn::GetAtt': ['PaymentsQueue', 'Arn'] })).toBe('arn:aws:sqs:eu-west-1:123456789012:orderflow-local-payments');
      expect(resolve({ 'Fn::GetAtt': ['OrderEventsTopic', 'Arn'] })).toBe('arn:aws:sns:eu-west-1:123456789012:orderflow-local-order-events');
      expect(resolve({ 'Fn::GetAtt': ['ActivityStream', 'Arn'] })).toBe('arn:aws:kinesis:eu-west-1:123456789012:stream/orderflow-local-order-activity');
      expect(resolve({ 'Fn::GetAtt': ['OrdersTable', 'Arn'] })).toBe('arn:aws:dynamodb:eu-west-1:123456789012:table/orderflow-local');
      expect(resolve({ 'Fn::GetAtt': ['ReportsBucket', 'Arn'] })).toBe('arn:aws:s3:::orderflow-local-reports');
    });

    it('accepts the dotted string form', () => {
      expect(resolve({ 'Fn::GetAtt': 'PaymentsQueue.Arn' })).toBe('arn:aws:sqs:eu-west-1:123456789012:orderflow-local-payments');
    });

    it("gives a queue's name and URL", () => {
      expect(resolve({ 'Fn::GetAtt': ['PaymentsQueue', 'QueueName'] })).toBe('orderflow-local-payments');
      expect(resolve({ 'Fn::GetAtt': ['PaymentsQueue', 'QueueUrl'] })).toBe('http://127.0.0.1:19324/123456789012/orderflow-local-payments');
    });

    it("gives a table with a stream its stream's ARN, the one the embedded DynamoDB's DescribeTable gives", () => {
      expect(resolve({ 'Fn::GetAtt': ['LedgerTable', 'StreamArn'] })).toBe(
        'arn:aws:dynamodb:eu-west-1:123456789012:table/orderflow-local-ledger/stream/1970-01-01T00:00:00.000',
      );
      expect(resolve({ 'Fn::Sub': '${LedgerTable.StreamArn}' })).toBe(
        'arn:aws:dynamodb:eu-west-1:123456789012:table/orderflow-local-ledger/stream/1970-01-01T00:00:00.000',
      );
      expect(tableOfStreamArn(String(resolve({ 'Fn::GetAtt': ['LedgerTable', 'StreamArn'] })))).toBe('orderflow-local-ledger');
    });

    it('refuses the StreamArn of a table without a stream, naming it', () => {
      expect(() => resolve({ 'Fn::GetAtt': ['OrdersTable', 'StreamArn'] })).toThrow(
        'Fn::GetAtt OrdersTable.StreamArn: table OrdersTable has no StreamSpecification',
      );
    });

    it('refuses an attribute it does not know, naming it', () => {
      expect(() => resolve({ 'Fn::GetAtt': ['OrdersTable', 'ConsistentRead'] })).toThrow('Fn::GetAtt OrdersTable.ConsistentRead is not supported locally');
    });
  });

  describe('Fn::Sub', () => {
    it('substitutes pseudo parameters, Refs and attributes', () => {
      const template = 'arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/orderflow/local/x';

      expect(resolve({ 'Fn::Sub': template })).toBe('arn:aws:ssm:eu-west-1:123456789012:parameter/orderflow/local/x');
      expect(resolve({ 'Fn::Sub': 'topic=${OrderEventsTopic} queue=${PaymentsQueue.Arn}' })).toBe(
        'topic=arn:aws:sns:eu-west-1:123456789012:orderflow-local-order-events queue=arn:aws:sqs:eu-west-1:123456789012:orderflow-local-payments',
      );
    });
  });

  describe('Fn::Join', () => {
    it('joins resolved parts with the separator', () => {
      const value = { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['OrdersTable', 'Arn'] }, '/index/gsi1']] };

      expect(resolve(value)).toBe('arn:aws:dynamodb:eu-west-1:123456789012:table/orderflow-local/index/gsi1');
    });

    it('joins with a non-empty separator', () => {
      expect(resolve({ 'Fn::Join': [':', ['a', { Ref: 'AWS::Region' }, 'b']] })).toBe('a:eu-west-1:b');
    });
  });

  it('resolves the list form of Fn::Sub with its own variables, and keeps ${!Literal} literal', () => {
    expect(resolve({ 'Fn::Sub': ['${Prefix}-${AWS::Region}-${!Literal}', { Prefix: { Ref: 'OrdersTable' } }] })).toBe('orderflow-local-eu-west-1-${Literal}');
  });

  it('resolves intrinsics nested anywhere in objects and lists, leaving plain values alone', () => {
    const value = {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['PaymentsQueue', 'Arn'] }, maxReceiveCount: 5 },
      Queues: [{ Ref: 'PaymentsQueue' }],
      Enabled: true,
      Nothing: null,
    };

    expect(resolve(value)).toEqual({
      RedrivePolicy: { deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:123456789012:orderflow-local-payments', maxReceiveCount: 5 },
      Queues: ['http://127.0.0.1:19324/123456789012/orderflow-local-payments'],
      Enabled: true,
      Nothing: null,
    });
  });

  describe('errors', () => {
    it('names an unknown resource in a Ref, a GetAtt or a Sub', () => {
      expect(() => resolve({ Ref: 'MissingQueue' })).toThrow('serverless.yml refers to an unknown resource MissingQueue');
      expect(() => resolve({ 'Fn::GetAtt': ['MissingQueue', 'Arn'] })).toThrow('unknown resource MissingQueue');
      expect(() => resolve({ 'Fn::Sub': '${MissingTopic}' })).toThrow('unknown resource MissingTopic');
    });

    it('asks for an explicit name when a resource has none', () => {
      expect(() => resolve({ Ref: 'UnnamedQueue' })).toThrow('resource UnnamedQueue (AWS::SQS::Queue) needs an explicit name to run locally');
    });

    it('text() refuses what does not resolve to a string', () => {
      expect(text({ Ref: 'OrderEventsTopic' })).toBe('arn:aws:sns:eu-west-1:123456789012:orderflow-local-order-events');
      expect(() => text({ 'Fn::ImportValue': 'other-stack-topic' })).toThrow('Expected a name or ARN');
    });
  });
});

describe('nameFromArn', () => {
  it('takes the name from queue, topic and stream ARNs', () => {
    expect(nameFromArn('arn:aws:sqs:us-east-1:000000000000:orderflow-local-payments')).toBe('orderflow-local-payments');
    expect(nameFromArn('arn:aws:sns:us-east-1:000000000000:orderflow-local-order-events')).toBe('orderflow-local-order-events');
    expect(nameFromArn('arn:aws:kinesis:us-east-1:000000000000:stream/orderflow-local-order-activity')).toBe('orderflow-local-order-activity');
  });
});
