import '../../support/quiet-sdk';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand } from '@aws-sdk/client-dynamodb-streams';
import { localClients, type LocalClients } from '../../../../offline/cloud/provision/clients';
import { createResolver } from '../../../../offline/cloud/provision/intrinsics';
import { planLocalCloud, type ServiceConfig } from '../../../../offline/cloud/provision/plan';
import { provision } from '../../../../offline/cloud/provision/provision';
import { ACCOUNT_ID, REGION, startTestCloud, type TestCloud } from '../../support/test-cloud';

const table = (TableName: string, StreamSpecification?: unknown) => ({
  Type: 'AWS::DynamoDB::Table',
  Properties: {
    TableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    ...(StreamSpecification !== undefined && { StreamSpecification }),
  },
});

/** A table declared with CloudFormation's StreamSpecification (no StreamEnabled) is created with its stream. */
describe('provision of a table with a stream, into the embedded local cloud', () => {
  let cloud: TestCloud;
  let clients: LocalClients;
  const Resources = { LedgerTable: table('ledger', { StreamViewType: 'NEW_IMAGE' }), PlainTable: table('plain') };
  const config: ServiceConfig = { service: 'streams', provider: { region: REGION }, functions: {}, resources: { Resources } };

  beforeAll(async () => {
    cloud = await startTestCloud();
    clients = localClients({ region: REGION, sqs: cloud.sqsEndpoint, edge: cloud.edge, lambda: 'http://127.0.0.1:9', accessKeyId: 'test' });
  });

  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await cloud?.stop();
  });

  it('creates the table with the stream serverless.yml names, at the ARN Fn::GetAtt StreamArn gives, and again over it', async () => {
    const plan = planLocalCloud(config, { stage: 'local', accountId: ACCOUNT_ID, sqsEndpoint: cloud.sqsEndpoint });
    await provision(plan, clients);
    await provision(plan, clients);
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: 'ledger' }));
    expect(Table!.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    const resolved = createResolver(Resources, { region: REGION, accountId: ACCOUNT_ID, sqsEndpoint: cloud.sqsEndpoint }).resolve({
      'Fn::GetAtt': ['LedgerTable', 'StreamArn'],
    });
    expect(Table!.LatestStreamArn).toBe(resolved);
    const { StreamDescription } = await clients.dynamodbStreams.send(new DescribeStreamCommand({ StreamArn: Table!.LatestStreamArn }));
    expect(StreamDescription!.StreamViewType).toBe('NEW_IMAGE');
    expect((await clients.dynamodb.send(new DescribeTableCommand({ TableName: 'plain' }))).Table!.LatestStreamArn).toBeUndefined();
  });

  it('refuses a StreamSpecification without a valid StreamViewType, naming the table and the property', async () => {
    const bad: ServiceConfig = { ...config, resources: { Resources: { BadTable: table('bad', { StreamViewType: 'EVERYTHING' }) } } };
    const plan = planLocalCloud(bad, { stage: 'local', accountId: ACCOUNT_ID, sqsEndpoint: cloud.sqsEndpoint });
    await expect(provision(plan, clients)).rejects.toThrow(
      'Table bad: StreamSpecification.StreamViewType must be one of KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES (got "EVERYTHING")',
    );
  });
});
