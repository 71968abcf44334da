import '../../support/quiet-sdk';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createDestinationSender, parseDestination, s3Key, type Destination } from '../../../../offline/cloud/lambda/destinations';
import { eventSourceMappingUuid, functionArn, streamBatchInfo, streamFailureRecord } from '../../../../offline/cloud/lambda/invocation-record';
import { localClients, type LocalClients } from '../../../../offline/cloud/provision/clients';
import { createResolver } from '../../../../offline/cloud/provision/intrinsics';
import { ACCOUNT_ID, REGION, startTestCloud, type TestCloud } from '../../support/test-cloud';

const resources = {
  Failures: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'orderflow-local-failures' } },
  Events: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'orderflow-local-events' } },
  Archive: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'orderflow-local-archive' } },
};
const { text } = createResolver(resources, { region: REGION, accountId: ACCOUNT_ID, sqsEndpoint: 'http://127.0.0.1:9324' });
const FUNCTIONS: Record<string, string> = { fulfil: 'orderflow-local-fulfil', audit: 'orderflow-audit' };
const functionNameOf = (key: string) => FUNCTIONS[key];
const WHERE = 'function fulfil, destinations.onFailure';
const parse = (value: unknown) => parseDestination(value, text, WHERE, functionNameOf);

describe('parseDestination', () => {
  it.each<[string, unknown, Destination]>([
    ['an SQS queue ARN', 'arn:aws:sqs:us-east-1:000000000000:q', { kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:000000000000:q', name: 'q' }],
    ['an SNS topic ARN', 'arn:aws:sns:us-east-1:000000000000:t', { kind: 'sns', arn: 'arn:aws:sns:us-east-1:000000000000:t', name: 't' }],
    [
      'an event bus ARN',
      'arn:aws:events:us-east-1:000000000000:event-bus/default',
      { kind: 'eventbridge', arn: 'arn:aws:events:us-east-1:000000000000:event-bus/default', name: 'default' },
    ],
    [
      'a function ARN',
      'arn:aws:lambda:us-east-1:000000000000:function:other',
      { kind: 'lambda', arn: 'arn:aws:lambda:us-east-1:000000000000:function:other', name: 'other' },
    ],
    [
      'a qualified function ARN',
      'arn:aws:lambda:us-east-1:000000000000:function:other:live',
      { kind: 'lambda', arn: 'arn:aws:lambda:us-east-1:000000000000:function:other:live', name: 'other' },
    ],
    ['a bucket ARN', 'arn:aws:s3:::archive', { kind: 's3', arn: 'arn:aws:s3:::archive', name: 'archive' }],
    [
      'a function of the service, by its key',
      'audit',
      { kind: 'lambda', arn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:orderflow-audit`, name: 'orderflow-audit' },
    ],
    [
      '{ type: sqs, arn: Fn::GetAtt }',
      { type: 'sqs', arn: { 'Fn::GetAtt': ['Failures', 'Arn'] } },
      { kind: 'sqs', arn: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:orderflow-local-failures`, name: 'orderflow-local-failures' },
    ],
    [
      '{ type: sns, arn: Ref }',
      { type: 'sns', arn: { Ref: 'Events' } },
      { kind: 'sns', arn: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:orderflow-local-events`, name: 'orderflow-local-events' },
    ],
    [
      '{ type: eventBus, arn: Fn::Sub }',
      { type: 'eventBus', arn: { 'Fn::Sub': 'arn:aws:events:${AWS::Region}:${AWS::AccountId}:event-bus/orders' } },
      { kind: 'eventbridge', arn: `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/orders`, name: 'orders' },
    ],
    [
      '{ type: function, arn }',
      { type: 'function', arn: 'arn:aws:lambda:us-east-1:000000000000:function:f' },
      { kind: 'lambda', arn: 'arn:aws:lambda:us-east-1:000000000000:function:f', name: 'f' },
    ],
    [
      '{ arn } without a type (stream events)',
      { arn: { 'Fn::GetAtt': ['Archive', 'Arn'] } },
      { kind: 's3', arn: 'arn:aws:s3:::orderflow-local-archive', name: 'orderflow-local-archive' },
    ],
    [
      'an intrinsic function in place of the ARN',
      { 'Fn::GetAtt': ['Failures', 'Arn'] },
      { kind: 'sqs', arn: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:orderflow-local-failures`, name: 'orderflow-local-failures' },
    ],
  ])('reads %s', (_form, value, expected) => {
    expect(parse(value)).toEqual(expected);
  });

  it.each<[string, unknown, string]>([
    ['an empty string', '', `${WHERE}: is empty; expected an ARN or the name of a function of this service`],
    ['a function the service does not have', 'nope', `${WHERE}: "nope" is neither an ARN nor a function of this service`],
    [
      'a queue URL (Ref of a queue)',
      { type: 'sqs', arn: { Ref: 'Failures' } },
      `${WHERE}.arn: http://127.0.0.1:9324/${ACCOUNT_ID}/orderflow-local-failures is a queue URL; a destination is an ARN (Fn::GetAtt <Queue>.Arn)`,
    ],
    [
      'a type that does not match the ARN',
      { type: 'sns', arn: 'arn:aws:sqs:us-east-1:000000000000:q' },
      `${WHERE}.type: sns does not match arn:aws:sqs:us-east-1:000000000000:q, which is an SQS queue`,
    ],
    [
      'an unknown type',
      { type: 'kinesis', arn: 'arn:aws:sqs:us-east-1:000000000000:q' },
      `${WHERE}.type: "kinesis" is not one of sqs, sns, eventBus, function`,
    ],
    [
      'an unknown property',
      { type: 'sqs', arn: 'arn:aws:sqs:us-east-1:000000000000:q', queue: 'q' },
      `${WHERE}: unknown property queue (expected arn and type)`,
    ],
    ['a type without an ARN', { type: 'sqs' }, `${WHERE}.arn: is required`],
    ['an unknown resource', { type: 'sqs', arn: { Ref: 'Missing' } }, `${WHERE}: serverless.yml refers to an unknown resource Missing`],
    [
      'an ARN of something else',
      'arn:aws:dynamodb:us-east-1:000000000000:table/t',
      `${WHERE}: arn:aws:dynamodb:us-east-1:000000000000:table/t is not something Lambda sends records to`,
    ],
    ['a number', 42, `${WHERE}: expected an ARN, a function name or { arn, type }, got 42`],
  ])('refuses %s, naming the function and property', (_form, value, message) => {
    expect(() => parse(value)).toThrow(message);
  });

  it('accepts only ARNs when it is not told the functions (stream events)', () => {
    expect(() => parseDestination('audit', text, 'function fulfil, events[0].stream.destinations.onFailure')).toThrow(
      'function fulfil, events[0].stream.destinations.onFailure: "audit" is not an ARN (only an ARN is accepted here)',
    );
  });
});

describe('s3Key', () => {
  const now = new Date('2026-03-04T05:06:07.890Z');

  it("names an async invocation's record aws/lambda/async/<function-name>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>", () => {
    const key = s3Key({ requestContext: { functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:orderflow-local-fulfil:$LATEST' } }, now);

    expect(key).toMatch(/^aws\/lambda\/async\/orderflow-local-fulfil\/2026\/03\/04\/2026-03-04T05\.06\.07-[0-9a-f-]{36}$/);
  });

  it("names a stream batch's record aws/lambda/<ESM-UUID>/<shardID>/YYYY/MM/DD/…", () => {
    const fn = 'arn:aws:lambda:us-east-1:000000000000:function:orderflow-local-aggregate';
    const streamArn = 'arn:aws:kinesis:us-east-1:000000000000:stream/activity';

    const key = s3Key({ requestContext: { functionArn: fn }, KinesisBatchInfo: { shardId: 'shardId-000000000001', streamArn } }, now);

    expect(key.startsWith(`aws/lambda/${eventSourceMappingUuid(fn, streamArn)}/shardId-000000000001/2026/03/04/2026-03-04T05.06.07-`)).toBe(true);
  });
});

describe("createDestinationSender, a stream batch's on-failure record, over real sockets", () => {
  let cloud: TestCloud;
  let clients: LocalClients;
  const fn = functionArn(REGION, ACCOUNT_ID, 'orderflow-test-aggregate');
  const streamArn = `arn:aws:kinesis:${REGION}:${ACCOUNT_ID}:stream/activity`;
  const event = { Records: [{ kinesis: { sequenceNumber: '7', data: 'e30=' } }] };
  const record = streamFailureRecord({
    functionArn: fn,
    condition: 'RetryAttemptsExhausted',
    approximateInvokeCount: 3,
    functionError: true,
    batchInfoKey: 'KinesisBatchInfo',
    batchInfo: streamBatchInfo('KinesisBatchInfo', streamArn, 'shardId-000000000000', [{ sequenceNumber: '7', arrivedAt: Date.now() }]),
    event,
  });

  beforeAll(async () => {
    cloud = await startTestCloud();
    clients = localClients({ region: REGION, sqs: cloud.sqsEndpoint, edge: cloud.edge, lambda: 'http://127.0.0.1:9', accessKeyId: 'test' });
  });

  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await cloud?.stop();
  });

  it("writes the record with the batch's whole event as payload to S3, under the mapping's UUID and the shard", async () => {
    await cloud.sdk.s3.send(new CreateBucketCommand({ Bucket: 'stream-failures' }));
    const send = createDestinationSender(clients, { asyncQueueOf: () => undefined, log: () => undefined });

    await send({ kind: 's3', arn: 'arn:aws:s3:::stream-failures', name: 'stream-failures' }, record);

    const Prefix = `aws/lambda/${eventSourceMappingUuid(fn, streamArn)}/shardId-000000000000/`;
    const { Contents = [] } = await cloud.sdk.s3.send(new ListObjectsV2Command({ Bucket: 'stream-failures', Prefix }));
    expect(Contents).toHaveLength(1);
    const object = await cloud.sdk.s3.send(new GetObjectCommand({ Bucket: 'stream-failures', Key: Contents[0].Key }));
    const written = JSON.parse(await object.Body!.transformToString());
    expect(written).toEqual(JSON.parse(JSON.stringify(record)));
    expect(JSON.parse(written.payload)).toEqual(event);
  });

  it('sends the same record to SQS without the payload, which only S3 receives', async () => {
    const url = await cloud.createQueue('stream-failures');
    const send = createDestinationSender(clients, { asyncQueueOf: () => undefined, log: () => undefined });

    await send({ kind: 'sqs', arn: cloud.queueArn('stream-failures'), name: 'stream-failures' }, record);

    const [message] = await cloud.receive(url, 1);
    const { payload: _payload, ...expected } = JSON.parse(JSON.stringify(record));
    expect(JSON.parse(message.Body!)).toEqual(expected);
  });

  it('refuses a function destination that has no event queue, naming the function', async () => {
    const send = createDestinationSender(clients, { asyncQueueOf: () => undefined, log: () => undefined });

    await expect(send({ kind: 'lambda', arn: `${fn}`, name: 'orderflow-test-aggregate' }, record)).rejects.toThrow(
      'function orderflow-test-aggregate has no asynchronous event queue in the local cloud',
    );
  });
});
