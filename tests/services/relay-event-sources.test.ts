import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { sleep } from '../offline/support/eventually';
import { startService, type RunningService } from './support/start-service';

// The relay service's triggers that the branches being merged bring (DynamoDB Streams, EventBridge,
// FIFO, destinations, filter criteria): jest.config.js leaves this file out until they are in.
// Each case waits up to 20 s for its sink record (stream pollers, async retries).
jest.setTimeout(30_000);

describe('the local cloud, running the relay service: streams, buses, FIFO, destinations, filters', () => {
  let relay: RunningService;
  let marker: string;

  beforeAll(async () => {
    relay = await startService('relay');
  }, 150_000);
  afterAll(() => relay?.stop(), 30_000);
  beforeEach(() => (marker = randomUUID()));

  /** The first message of a queue whose body holds the marker (deleted once read). */
  const received = async (queue: string, timeoutMs = 20_000): Promise<Record<string, any>> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { Messages = [] } = await relay.sdk.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: relay.queueUrl(queue), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const message of Messages) {
        await relay.sdk.sqs.send(new DeleteMessageCommand({ QueueUrl: relay.queueUrl(queue), ReceiptHandle: message.ReceiptHandle }));
        if (message.Body?.includes(marker)) return JSON.parse(message.Body);
      }
    }
    throw new Error(`Nothing holding ${marker} arrived in ${queue} within ${timeoutMs} ms`);
  };

  it("delivers a DynamoDB table's stream record to its consumer", async () => {
    await relay.sdk.dynamodb.send(new PutItemCommand({ TableName: 'relay-local-users', Item: { userId: { S: marker }, name: { S: 'Ada' } } }));

    expect(await relay.recorded('dynamodb', marker)).toEqual([
      { eventName: 'INSERT', keys: { userId: { S: marker } }, newImage: { userId: { S: marker }, name: { S: 'Ada' } } },
    ]);
  });

  it("delivers an event on the custom bus to the function whose eventBridge pattern matches, and not another's", async () => {
    const entry = (detailType: string) => ({
      EventBusName: 'relay-local-bus',
      Source: 'relay.tests',
      DetailType: detailType,
      Detail: JSON.stringify({ marker, detailType }),
    });

    const { FailedEntryCount } = await relay.sdk.eventbridge.send(new PutEventsCommand({ Entries: [entry('Ignored'), entry('Pinged')] }));

    expect(FailedEntryCount).toBe(0);
    expect(await relay.recorded('eventBridge', marker)).toEqual([{ source: 'relay.tests', detailType: 'Pinged', detail: { marker, detailType: 'Pinged' } }]);
    await sleep(1500);
    expect(await relay.recorded('eventBridge', marker)).toHaveLength(1);
  });

  it("delivers an event to a resource rule's SQS target, whose consumer receives the whole event", async () => {
    await relay.sdk.eventbridge.send(
      new PutEventsCommand({ Entries: [{ EventBusName: 'relay-local-bus', Source: 'relay.tests', DetailType: 'Queued', Detail: JSON.stringify({ marker }) }] }),
    );

    const [{ queue, body }] = await relay.recorded('sqs', marker);
    expect(queue).toBe(relay.arn('sqs', 'relay-local-ruled'));
    expect(JSON.parse(body)).toMatchObject({ source: 'relay.tests', 'detail-type': 'Queued', detail: { marker } });
  });

  it('delivers a FIFO queue in order within a group, a duplicate once', async () => {
    const send = (step: number) =>
      relay.sdk.sqs.send(
        new SendMessageCommand({ QueueUrl: relay.queueUrl('relay-local-steps.fifo'), MessageGroupId: marker, MessageBody: `${marker}:${step}` }),
      );
    for (const step of [1, 2, 3, 4, 5]) await send(step);
    await send(5); // content-based deduplication: the same body again is dropped

    const records = await relay.recorded('sqs', marker, 5);
    expect(records.map((r) => r.body)).toEqual([1, 2, 3, 4, 5].map((step) => `${marker}:${step}`));
    expect(records.every((r) => r.groupId === marker)).toBe(true);
    await sleep(1500);
    expect(await relay.recorded('sqs', marker, 5)).toHaveLength(5);
  });

  it("drops the SQS messages its consumer's filterPatterns do not match", async () => {
    await relay.sdk.sqs.send(new SendMessageCommand({ QueueUrl: relay.queueUrl('relay-local-jobs'), MessageBody: JSON.stringify({ kind: 'chore', marker }) }));
    await relay.sdk.sqs.send(new SendMessageCommand({ QueueUrl: relay.queueUrl('relay-local-jobs'), MessageBody: JSON.stringify({ kind: 'job', marker }) }));

    expect((await relay.recorded('sqs', marker)).map((r) => JSON.parse(r.body).kind)).toEqual(['job']);
    await sleep(1500);
    expect(await relay.recorded('sqs', marker)).toHaveLength(1);
  });

  it("sends an async invocation's success to its onSuccess destination", async () => {
    await relay.sdk.sns.send(new PublishCommand({ TopicArn: relay.arn('sns', 'relay-local-verdicts'), Message: JSON.stringify({ verdict: 'pass', marker }) }));

    const record = await received('relay-local-verdicts-succeeded');
    expect(record.requestContext).toMatchObject({ condition: 'Success', approximateInvokeCount: 1 });
    expect(record.responsePayload).toEqual({ judged: marker });
  });

  it("sends an async invocation's failure, retries exhausted, to its onFailure destination", async () => {
    await relay.sdk.sns.send(new PublishCommand({ TopicArn: relay.arn('sns', 'relay-local-verdicts'), Message: JSON.stringify({ verdict: 'fail', marker }) }));

    const record = await received('relay-local-verdicts-failed');
    expect(record.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 1 });
    expect(record.responsePayload).toMatchObject({ errorType: 'Error', errorMessage: `Failed on purpose: ${marker}` });
  });
});
