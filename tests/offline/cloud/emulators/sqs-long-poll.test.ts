import '../../support/quiet-sdk';
import { ChangeMessageVisibilityCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { sleep } from '../../support/eventually';
import { startTestCloud, type TestCloud } from '../../support/test-cloud';

/**
 * The embedded SQS (local-aws-sqs, patched in patches/) answers a long poll the way SQS does: at
 * once when a message is visible, as soon as one becomes visible while the poll waits, and empty
 * when the wait ends; a short poll (WaitTimeSeconds 0) never waits. Unpatched, a poll only looked
 * every 10 ms and held on until the batch was full, and a short poll on an empty queue took 40 ms.
 */
describe('embedded SQS long polling', () => {
  let cloud: TestCloud;
  let n = 0;

  beforeAll(async () => {
    cloud = await startTestCloud();
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  const newQueue = () => cloud.createQueue(`long-poll-${++n}-${Date.now()}`);
  const send = (QueueUrl: string, body: string, DelaySeconds?: number) =>
    cloud.sdk.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, DelaySeconds }));
  /** A long poll, with when it returned (ms after it was sent). */
  const poll = async (QueueUrl: string, WaitTimeSeconds: number, MaxNumberOfMessages = 10, VisibilityTimeout?: number) => {
    const started = Date.now();
    const { Messages = [] } = await cloud.sdk.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds, MaxNumberOfMessages, VisibilityTimeout }));
    return { bodies: Messages.map((m) => m.Body), messages: Messages, afterMs: Date.now() - started };
  };

  it('returns what is visible at once instead of waiting for a full batch', async () => {
    const url = await newQueue();
    await send(url, 'a');
    await send(url, 'b');

    const result = await poll(url, 10);

    expect(result.bodies.sort()).toEqual(['a', 'b']);
    expect(result.afterMs).toBeLessThan(5000); // the 10-s wait did not run out
  });

  it('wakes a waiting poll when a message arrives', async () => {
    const url = await newQueue();
    const waiting = poll(url, 10);
    await sleep(200);
    await send(url, 'late');

    const result = await waiting;

    expect(result.bodies).toEqual(['late']);
    expect(result.afterMs).toBeGreaterThanOrEqual(200);
    expect(result.afterMs).toBeLessThan(5000);
  });

  it('gives each waiting poll a different message', async () => {
    const url = await newQueue();
    const polls = [poll(url, 10, 1), poll(url, 10, 1)];
    await sleep(100);
    await send(url, 'one');
    await send(url, 'two');

    const bodies = (await Promise.all(polls)).flatMap((p) => p.bodies);

    expect(bodies.sort()).toEqual(['one', 'two']);
  });

  it('keeps a delayed message back until it is due, then wakes the poll', async () => {
    const url = await newQueue();
    await send(url, 'delayed', 1);

    const result = await poll(url, 10);

    expect(result.bodies).toEqual(['delayed']);
    expect(result.afterMs).toBeGreaterThanOrEqual(900);
  });

  it('wakes a waiting poll when a received message becomes visible again', async () => {
    const url = await newQueue();
    await send(url, 'redelivered');
    const first = await poll(url, 1, 1, 1);
    expect(first.bodies).toEqual(['redelivered']);

    const again = await poll(url, 10);

    expect(again.bodies).toEqual(['redelivered']);
    expect(again.afterMs).toBeGreaterThanOrEqual(800); // not before the 1-s visibility timeout
    expect(again.afterMs).toBeLessThan(5000);
  });

  it('wakes a waiting poll when a message is made visible with ChangeMessageVisibility 0', async () => {
    const url = await newQueue();
    await send(url, 'released');
    const [taken] = (await poll(url, 1, 1, 30)).messages;
    const waiting = poll(url, 10);
    await sleep(100);

    await cloud.sdk.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: taken.ReceiptHandle, VisibilityTimeout: 0 }));

    const result = await waiting;
    expect(result.bodies).toEqual(['released']);
    expect(result.afterMs).toBeLessThan(5000);
  });

  it('returns empty when the wait ends with nothing to deliver', async () => {
    const url = await newQueue();

    const result = await poll(url, 1);

    expect(result.bodies).toEqual([]);
    expect(result.afterMs).toBeGreaterThanOrEqual(900);
  });

  it('answers a short poll (WaitTimeSeconds 0) on an empty queue without waiting', async () => {
    const url = await newQueue();

    const started = Date.now();
    for (let i = 0; i < 20; i++) expect((await poll(url, 0)).bodies).toEqual([]);

    // Unpatched, each of these held on for 40 ms (800 ms in all); answered at once they take a few ms each.
    expect(Date.now() - started).toBeLessThan(400);
  });

  it('counts only visible messages as ApproximateNumberOfMessages, received ones as not visible', async () => {
    const url = await newQueue();
    await send(url, 'taken');
    await send(url, 'waiting');
    await poll(url, 0, 1, 30);

    const { Attributes } = await cloud.sdk.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );

    expect(Attributes).toMatchObject({ ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '1' });
  });
});
