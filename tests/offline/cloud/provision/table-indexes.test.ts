import '../../support/quiet-sdk';
import { CreateTableCommand, DescribeTableCommand, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { localClients, type LocalClients } from '../../../../offline/cloud/provision/clients';
import { planLocalCloud, type ServiceConfig } from '../../../../offline/cloud/provision/plan';
import { provision } from '../../../../offline/cloud/provision/provision';
import { ACCOUNT_ID, REGION, startTestCloud, type TestCloud } from '../../support/test-cloud';

/** A service whose one table declares a status index (and, optionally, a stream). */
const service = (table: string, stream = false): ServiceConfig => ({
  service: 'kept',
  provider: { region: REGION },
  functions: {},
  resources: {
    Resources: {
      Table: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'id', AttributeType: 'S' },
            { AttributeName: 'status', AttributeType: 'S' },
          ],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          GlobalSecondaryIndexes: [{ IndexName: 'byStatus', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
          ...(stream ? { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } } : {}),
        },
      },
    },
  },
});

describe('a table kept from an earlier run, to which serverless.yml added an index', () => {
  let cloud: TestCloud;
  let clients: LocalClients;
  const lines: string[] = [];

  beforeAll(async () => {
    cloud = await startTestCloud();
    clients = localClients({ region: REGION, sqs: cloud.sqsEndpoint, edge: cloud.edge, lambda: 'http://127.0.0.1:9', accessKeyId: 'test' });
  });
  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await cloud?.stop();
  });

  /** The table as the earlier run left it: no index, two items. */
  async function keptTable(name: string, stream = false) {
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } } : {}),
      }),
    );
    for (const [id, status] of [
      ['a', 'OPEN'],
      ['b', 'DONE'],
    ])
      await clients.dynamodb.send(new PutItemCommand({ TableName: name, Item: { id: { S: id }, status: { S: status } } }));
  }

  it('gets the index on the next start, with every item it held', async () => {
    await keptTable('kept-items');

    await provision(planLocalCloud(service('kept-items'), { stage: 'local', accountId: ACCOUNT_ID, sqsEndpoint: cloud.sqsEndpoint }), clients, (line) =>
      lines.push(line),
    );

    const { Items = [] } = await clients.dynamodb.send(
      new QueryCommand({
        TableName: 'kept-items',
        IndexName: 'byStatus',
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'OPEN' } },
      }),
    );
    expect(Items.map((item) => item.id.S)).toEqual(['a']);
    expect(lines).toContain('table kept-items: index byStatus added; its 2 item(s) kept');
  });

  it('leaves a table with a stream as it is, and says so in one line', async () => {
    await keptTable('kept-streamed', true);

    await provision(
      planLocalCloud(service('kept-streamed', true), { stage: 'local', accountId: ACCOUNT_ID, sqsEndpoint: cloud.sqsEndpoint }),
      clients,
      (line) => lines.push(line),
    );

    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: 'kept-streamed' }));
    const { Count } = await clients.dynamodb.send(new ScanCommand({ TableName: 'kept-streamed', Select: 'COUNT' }));
    expect(Count).toBe(2);
    expect(Table?.GlobalSecondaryIndexes).toBeUndefined();
    expect(lines).toContain('warning: table kept-streamed: index byStatus is not in the kept state; start with --fresh to create it');
  });
});
