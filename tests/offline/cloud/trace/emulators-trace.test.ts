import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { startTestCloud, type TestCloud } from '../../support/test-cloud';
import { createTracer } from '../../../../offline/cloud/trace/tracer';
import { eventually } from '../../support/eventually';
import { createActiveStream } from '../../support/resources';

describe('the emulators record what the traces follow, and answer injected API faults (real sockets)', () => {
  const tracer = createTracer({ limit: 50, mode: 'embedded', sendFaults: () => undefined });
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = await startTestCloud(undefined, { observer: tracer.observer });
  });
  afterAll(() => cloud.stop());

  it('records an SNS publish and its delivery to a queue, a SendMessage and a Kinesis PutRecord under their correlation ids', async () => {
    const queueUrl = await cloud.createQueue('traced');
    const { TopicArn } = await cloud.sdk.sns.send(new CreateTopicCommand({ Name: 'traced' }));
    await cloud.sdk.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: cloud.queueArn('traced') }));
    await cloud.sdk.sns.send(
      new PublishCommand({ TopicArn, Message: '{}', MessageAttributes: { correlationId: { DataType: 'String', StringValue: 'sns-corr' } } }),
    );
    await cloud.receive(queueUrl, 1);
    expect(tracer.store.get('sns-corr')?.hops.map((h) => [h.kind, h.service, h.target])).toEqual([
      ['publish', 'sns', 'traced'],
      ['delivery', 'sqs', 'traced'],
    ]);

    await cloud.sdk.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ correlationId: 'sqs-corr' }) }));
    await eventually(async () => tracer.store.get('sqs-corr'), 'the SendMessage hop');
    expect(tracer.store.get('sqs-corr')?.hops[0]).toMatchObject({ kind: 'publish', service: 'sqs', action: 'SendMessage', target: 'traced' });

    await createActiveStream(cloud.sdk.kinesis, 'traced');
    await cloud.sdk.kinesis.send(
      new PutRecordCommand({ StreamName: 'traced', PartitionKey: 'p', Data: Buffer.from(JSON.stringify({ correlationId: 'kin-corr' })) }),
    );
    await eventually(async () => tracer.store.get('kin-corr'), 'the PutRecord hop');
    expect(tracer.store.get('kin-corr')?.hops[0]).toMatchObject({ kind: 'publish', service: 'kinesis', action: 'PutRecord', target: 'traced' });
  });

  // The SDK retries a Throttling error twice (3 attempts by default), as against AWS: count 3 fails one call.
  it('answers an AWS-shaped error for an API fault, count times, then serves the call again', async () => {
    const queueUrl = await cloud.createQueue('faulted');
    const post = tracer.routes.find((r) => r.method === 'POST' && r.path === '/api/faults')!;
    expect(
      await post.handle({ params: {}, query: new URLSearchParams(), body: { service: 'sqs', action: 'SendMessage', error: 'Throttling', count: 3 } }),
    ).toMatchObject({ status: 201 });
    await expect(cloud.sdk.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x' }))).rejects.toMatchObject({ name: 'Throttling' });
    await expect(cloud.sdk.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x' }))).resolves.toMatchObject({
      MessageId: expect.any(String),
    });

    const { TopicArn } = await cloud.sdk.sns.send(new CreateTopicCommand({ Name: 'faulted' }));
    await post.handle({ params: {}, query: new URLSearchParams(), body: { service: 'sns', action: 'Publish', error: 'Throttling', count: 3 } });
    await expect(cloud.sdk.sns.send(new PublishCommand({ TopicArn, Message: 'x' }))).rejects.toMatchObject({ name: 'Throttling' });
    await expect(cloud.sdk.sns.send(new PublishCommand({ TopicArn, Message: 'x' }))).resolves.toMatchObject({ MessageId: expect.any(String) });
  });

  it('refuses API faults in docker mode, naming why', async () => {
    const docker = createTracer({ limit: 1, mode: 'docker', sendFaults: () => undefined });
    const post = docker.routes.find((r) => r.method === 'POST' && r.path === '/api/faults')!;
    expect(
      await post.handle({ params: {}, query: new URLSearchParams(), body: { service: 'sns', action: 'Publish', error: 'Throttling', count: 3 } }),
    ).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringContaining('embedded') } },
    });
  });
});
