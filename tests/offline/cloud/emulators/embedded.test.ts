import '../../support/quiet-sdk';
import { createServer, type Server } from 'node:net';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetRecordsCommand, GetShardIteratorCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import {
  CreateBucketCommand,
  GetBucketNotificationConfigurationCommand,
  GetObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startEmbedded } from '../../../../offline/cloud/emulators/embedded';
import { PortInUseError } from '../../../../offline/cloud/emulators/listen';
import { canListenOn, freePorts } from '../../support/ports';
import { ACCOUNT_ID, REGION, startTestCloud, type TestCloud } from '../../support/test-cloud';
import { createActiveStream, createActiveTable } from '../../support/resources';

const signedFor = (service: string) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${REGION}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd`,
});

describe('startEmbedded, driven by the AWS SDK over real sockets', () => {
  let cloud: TestCloud;
  let n = 0;
  /** A name of this test's own, so tests never see each other's resources. */
  const unique = (prefix: string) => `${prefix}-${++n}-${Date.now()}`;

  beforeAll(async () => {
    cloud = await startTestCloud();
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  it('serves DynamoDB through the edge port: create a table, put and get an item', async () => {
    const TableName = unique('orders');
    await createActiveTable(cloud.sdk.dynamodb, {
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    });

    await cloud.sdk.dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'ORDER#1' }, total: { N: '5597' } } }));
    const { Item } = await cloud.sdk.dynamodb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'ORDER#1' } }, ConsistentRead: true }));

    expect(Item).toEqual({ pk: { S: 'ORDER#1' }, total: { N: '5597' } });
  });

  it('serves Kinesis through the edge port: create a stream, put and get a record', async () => {
    const StreamName = unique('activity');
    await createActiveStream(cloud.sdk.kinesis, StreamName);

    const put = await cloud.sdk.kinesis.send(new PutRecordCommand({ StreamName, PartitionKey: 'order-1', Data: Buffer.from('{"type":"OrderPlaced"}') }));
    const { ShardIterator } = await cloud.sdk.kinesis.send(
      new GetShardIteratorCommand({ StreamName, ShardId: put.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const { Records = [] } = await cloud.sdk.kinesis.send(new GetRecordsCommand({ ShardIterator }));

    expect(Records).toHaveLength(1);
    expect(Records[0].SequenceNumber).toBe(put.SequenceNumber);
    expect(Records[0].PartitionKey).toBe('order-1');
    expect(Buffer.from(Records[0].Data!).toString()).toBe('{"type":"OrderPlaced"}');
  });

  it('serves S3 through the edge port: put and get an object', async () => {
    const Bucket = unique('reports');
    await cloud.sdk.s3.send(new CreateBucketCommand({ Bucket }));

    await cloud.sdk.s3.send(new PutObjectCommand({ Bucket, Key: 'reports/2026-01-01.json', Body: '{"orders":3}', ContentType: 'application/json' }));
    const object = await cloud.sdk.s3.send(new GetObjectCommand({ Bucket, Key: 'reports/2026-01-01.json' }));

    expect(await object.Body!.transformToString()).toBe('{"orders":3}');
    expect(object.ContentType).toBe('application/json');
  });

  it('accepts an upload to a presigned PUT URL made for the edge port', async () => {
    const Bucket = unique('imports');
    await cloud.sdk.s3.send(new CreateBucketCommand({ Bucket }));
    const url = await getSignedUrl(cloud.sdk.s3, new PutObjectCommand({ Bucket, Key: 'incoming/i-1.csv', ContentType: 'text/csv' }), { expiresIn: 300 });

    const upload = await fetch(url, { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: 'sku,quantity\nSKU-1,2\n' });

    expect(upload.status).toBe(200);
    const object = await cloud.sdk.s3.send(new GetObjectCommand({ Bucket, Key: 'incoming/i-1.csv' }));
    expect(await object.Body!.transformToString()).toBe('sku,quantity\nSKU-1,2\n');
  });

  describe('SNS to SQS', () => {
    let topicArn: string;
    let rawUrl: string;
    let envelopedUrl: string;

    beforeAll(async () => {
      const raw = unique('payments');
      const enveloped = unique('reserve-inventory-events');
      rawUrl = await cloud.createQueue(raw);
      envelopedUrl = await cloud.createQueue(enveloped);
      ({ TopicArn: topicArn } = (await cloud.sdk.sns.send(new CreateTopicCommand({ Name: unique('order-events') }))) as { TopicArn: string });
      await cloud.sdk.sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'sqs',
          Endpoint: cloud.queueArn(raw),
          Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ eventType: ['OrderPlaced'] }) },
        }),
      );
      await cloud.sdk.sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'sqs',
          Endpoint: cloud.queueArn(enveloped),
          Attributes: { FilterPolicy: JSON.stringify({ eventType: ['OrderPaid'] }) },
        }),
      );
    });

    const publish = (eventType: string, message: string, subject?: string) =>
      cloud.sdk.sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: message,
          Subject: subject,
          MessageAttributes: { eventType: { DataType: 'String', StringValue: eventType }, amountCents: { DataType: 'Number', StringValue: '5597' } },
        }),
      );

    it('names the topic by its ARN', () => {
      expect(topicArn).toMatch(new RegExp(`^arn:aws:sns:${REGION}:${ACCOUNT_ID}:order-events-`));
    });

    it('delivers a raw message to the raw subscriber: the body as published, the attributes as SQS attributes', async () => {
      await publish('OrderPlaced', '{"orderId":"o-1"}');

      const [message] = await cloud.receive(rawUrl, 1);

      expect(message.Body).toBe('{"orderId":"o-1"}');
      expect(message.MessageAttributes).toEqual({
        eventType: { DataType: 'String', StringValue: 'OrderPlaced' },
        amountCents: { DataType: 'Number', StringValue: '5597' },
      });
    });

    it('delivers the SNS envelope to a non-raw subscriber, attributes inside the envelope', async () => {
      const { MessageId } = await publish('OrderPaid', '{"orderId":"o-2"}', 'order paid');

      const [message] = await cloud.receive(envelopedUrl, 1);

      expect(JSON.parse(message.Body!)).toEqual({
        Type: 'Notification',
        MessageId,
        TopicArn: topicArn,
        Subject: 'order paid',
        Message: '{"orderId":"o-2"}',
        Timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        SignatureVersion: '1',
        Signature: expect.any(String),
        SigningCertURL: expect.any(String),
        UnsubscribeURL: expect.stringContaining(topicArn),
        MessageAttributes: { eventType: { Type: 'String', Value: 'OrderPaid' }, amountCents: { Type: 'Number', Value: '5597' } },
      });
      expect(message.MessageAttributes).toBeUndefined();
    });

    it('delivers nothing to a subscriber whose filter policy the message fails', async () => {
      await publish('OrderCancelled', '{"orderId":"for-nobody"}');
      await publish('OrderPaid', '{"orderId":"enveloped-only"}');
      await publish('OrderPlaced', '{"orderId":"raw-only"}');

      const raw = [...(await cloud.receive(rawUrl, 1)), ...(await cloud.drain(rawUrl))];
      const enveloped = [...(await cloud.receive(envelopedUrl, 1)), ...(await cloud.drain(envelopedUrl))];

      expect(raw.map((m) => m.Body)).toEqual(['{"orderId":"raw-only"}']);
      expect(enveloped.map((m) => JSON.parse(m.Body!).Message)).toEqual(['{"orderId":"enveloped-only"}']);
    });

    it('answers Publish to an unknown topic with NotFound', async () => {
      await expect(cloud.sdk.sns.send(new PublishCommand({ TopicArn: `${topicArn}-missing`, Message: 'x' }))).rejects.toMatchObject({
        name: 'NotFoundException',
        message: 'Topic does not exist',
      });
    });
  });

  describe('S3 notifications to SQS', () => {
    const Bucket = unique('imports');
    let queueUrl: string;
    let queueArn: string;

    beforeAll(async () => {
      const queue = unique('import-orders-events');
      queueUrl = await cloud.createQueue(queue);
      queueArn = cloud.queueArn(queue);
      await cloud.sdk.s3.send(new CreateBucketCommand({ Bucket }));
      await cloud.sdk.s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket,
          NotificationConfiguration: {
            QueueConfigurations: [
              {
                QueueArn: queueArn,
                Events: ['s3:ObjectCreated:*'],
                Filter: {
                  Key: {
                    FilterRules: [
                      { Name: 'prefix', Value: 'incoming/' },
                      { Name: 'suffix', Value: '.csv' },
                    ],
                  },
                },
              },
            ],
          },
        }),
      );
    });

    it('reads the configuration back as it was put', async () => {
      const configuration = await cloud.sdk.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket }));

      expect(configuration.QueueConfigurations).toEqual([
        expect.objectContaining({
          QueueArn: queueArn,
          Events: ['s3:ObjectCreated:*'],
          Filter: {
            Key: {
              FilterRules: [
                { Name: 'prefix', Value: 'incoming/' },
                { Name: 'suffix', Value: '.csv' },
              ],
            },
          },
        }),
      ]);
    });

    it('sends the S3 event of an object created under the prefix with the suffix, its key URL-encoded', async () => {
      await cloud.sdk.s3.send(new PutObjectCommand({ Bucket, Key: 'incoming/my orders.csv', Body: 'sku,quantity\n' }));

      const [message] = await cloud.receive(queueUrl, 1);

      const { Records } = JSON.parse(message.Body!);
      expect(Records).toHaveLength(1);
      expect(Records[0]).toMatchObject({
        eventSource: 'aws:s3',
        awsRegion: REGION,
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: Bucket, arn: `arn:aws:s3:::${Bucket}` }, object: { key: 'incoming/my+orders.csv', size: 13 } },
      });
    });

    it('sends nothing for objects outside the prefix or without the suffix', async () => {
      await cloud.sdk.s3.send(new PutObjectCommand({ Bucket, Key: 'elsewhere/a.csv', Body: 'x' }));
      await cloud.sdk.s3.send(new PutObjectCommand({ Bucket, Key: 'incoming/a.txt', Body: 'x' }));
      await cloud.sdk.s3.send(new PutObjectCommand({ Bucket, Key: 'incoming/marker.csv', Body: 'x' }));

      const messages = [...(await cloud.receive(queueUrl, 1)), ...(await cloud.drain(queueUrl))];

      expect(messages.map((m) => JSON.parse(m.Body!).Records[0].s3.object.key)).toEqual(['incoming/marker.csv']);
    });
  });

  it('answers 501 for a service it does not emulate, naming it', async () => {
    const response = await fetch(cloud.edge, { method: 'POST', headers: { ...signedFor('states'), 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });

    expect(response.status).toBe(501);
    expect(((await response.json()) as { message: string }).message).toContain('"states"');
  });
});

describe('startEmbedded ports', () => {
  const options = (sqsPort: number, edgePort: number) => ({
    region: REGION,
    accountId: ACCOUNT_ID,
    sqsPort,
    edgePort,
    accessKeyId: 'test',
    log: () => undefined,
  });

  async function hold(port: number): Promise<Server> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    return server;
  }

  const release = (server: Server) => new Promise((resolve) => server.close(resolve));

  it('fails with a PortInUseError naming the SQS port when it is taken', async () => {
    const [sqsPort, edgePort] = await freePorts(2);
    const holder = await hold(sqsPort);
    try {
      const start = startEmbedded(options(sqsPort, edgePort));

      await expect(start).rejects.toBeInstanceOf(PortInUseError);
      await expect(start).rejects.toMatchObject({ port: sqsPort, message: expect.stringContaining(`Port ${sqsPort} (SQS) is already in use`) });
      expect(await canListenOn(edgePort)).toBe(true);
    } finally {
      await release(holder);
    }
  });

  it('fails with a PortInUseError naming the edge port when it is taken, and frees the SQS port it had bound', async () => {
    const [sqsPort, edgePort] = await freePorts(2);
    const holder = await hold(edgePort);
    try {
      const start = startEmbedded(options(sqsPort, edgePort));

      await expect(start).rejects.toMatchObject({ name: 'PortInUseError', port: edgePort, message: expect.stringContaining(`Port ${edgePort} (AWS edge)`) });
      expect(await canListenOn(sqsPort)).toBe(true);
    } finally {
      await release(holder);
    }
  });

  it('frees both ports on stop()', async () => {
    const [sqsPort, edgePort] = await freePorts(2);
    const emulators = await startEmbedded(options(sqsPort, edgePort));
    expect(await canListenOn(sqsPort)).toBe(false);
    expect(await canListenOn(edgePort)).toBe(false);

    await emulators.stop();

    expect(await canListenOn(sqsPort)).toBe(true);
    expect(await canListenOn(edgePort)).toBe(true);
  });
});
