import '../../support/quiet-sdk';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { eventually, sleep } from '../../support/eventually';
import { startTestCloud, type TestCloud } from '../../support/test-cloud';

const FIVE_MINUTES = 5 * 60 * 1000;

/**
 * The embedded SQS (local-aws-sqs, patched in patches/) keeps SQS FIFO's promises: a message group is
 * handed out in order and never while an earlier message of it is in flight; a deduplication id is
 * remembered for 5 minutes after the send, whether or not the message was consumed meanwhile; a
 * message received maxReceiveCount times moves to the FIFO dead-letter queue and frees its group.
 */
describe('embedded SQS FIFO queues', () => {
  let cloud: TestCloud;
  let n = 0;

  beforeAll(async () => {
    cloud = await startTestCloud();
  });

  afterAll(async () => {
    jest.useRealTimers();
    await cloud?.stop();
  });

  const newQueue = (attributes: Record<string, string> = {}) => cloud.createQueue(`fifo-${++n}-${Date.now()}.fifo`, { FifoQueue: 'true', ...attributes });
  const send = (QueueUrl: string, group: string, body: string, MessageDeduplicationId: string | undefined = body) =>
    cloud.sdk.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: group, MessageDeduplicationId }));
  const receive = async (QueueUrl: string, MaxNumberOfMessages = 10, options: { WaitTimeSeconds?: number; VisibilityTimeout?: number } = {}) => {
    const { Messages = [] } = await cloud.sdk.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages,
        WaitTimeSeconds: options.WaitTimeSeconds ?? 0,
        VisibilityTimeout: options.VisibilityTimeout,
        AttributeNames: ['All'],
      }),
    );
    return Messages;
  };
  const bodies = (messages: Message[]) => messages.map((m) => m.Body);
  const remove = (QueueUrl: string, message: Message) => cloud.sdk.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));

  it("hands out a group's messages in order, several in one receive, with their FIFO attributes", async () => {
    const url = await newQueue();
    for (const body of ['a1', 'a2', 'a3']) await send(url, 'A', body);

    const messages = await receive(url);

    expect(bodies(messages)).toEqual(['a1', 'a2', 'a3']);
    expect(messages[0].Attributes).toEqual(expect.objectContaining({ MessageGroupId: 'A', MessageDeduplicationId: 'a1', ApproximateReceiveCount: '1' }));
    const sequence = messages.map((m) => BigInt(m.Attributes!.SequenceNumber!));
    expect([...sequence].sort((x, y) => (x < y ? -1 : 1))).toEqual(sequence);
  });

  it('receives no later message of a group while an earlier one is in flight, but other groups meanwhile', async () => {
    const url = await newQueue();
    await send(url, 'A', 'a1');
    await send(url, 'A', 'a2');
    await send(url, 'B', 'b1');

    const [first] = await receive(url, 1);
    const meanwhile = await receive(url);
    const whileBothInFlight = await receive(url);
    await remove(url, first);
    const afterDelete = await receive(url);

    expect(first.Body).toBe('a1');
    expect(bodies(meanwhile)).toEqual(['b1']);
    expect(whileBothInFlight).toEqual([]);
    expect(bodies(afterDelete)).toEqual(['a2']);
  });

  it('wakes a long poll waiting on a blocked group when the message ahead of it is deleted', async () => {
    const url = await newQueue();
    await send(url, 'A', 'a1');
    await send(url, 'A', 'a2');
    const [first] = await receive(url, 1);

    const started = Date.now();
    const waiting = receive(url, 10, { WaitTimeSeconds: 10 });
    await sleep(200);
    await remove(url, first);

    expect(bodies(await waiting)).toEqual(['a2']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200); // a2 waited for a1
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('returns a failed batch in its order once its visibility timeout ends, before anything later of the group', async () => {
    const url = await newQueue();
    for (const body of ['a1', 'a2']) await send(url, 'A', body);
    await receive(url, 10, { VisibilityTimeout: 1 });
    await send(url, 'A', 'a3');

    const again = await eventually(async () => {
      const messages = await receive(url);
      return messages.length > 0 ? messages : undefined;
    }, 'the batch to be visible again');

    expect(bodies(again)).toEqual(['a1', 'a2', 'a3']);
    expect(again.map((m) => m.Attributes!.ApproximateReceiveCount)).toEqual(['2', '2', '1']);
  });

  describe('deduplication', () => {
    afterEach(() => jest.useRealTimers());

    /** Only Date is faked: sockets and timers stay real, the 5-minute window is crossed at once. */
    const clockAt = (now: number) => {
      jest.useFakeTimers({
        doNotFake: [
          'nextTick',
          'setImmediate',
          'clearImmediate',
          'setInterval',
          'clearInterval',
          'setTimeout',
          'clearTimeout',
          'queueMicrotask',
          'hrtime',
          'performance',
        ],
        now,
      });
    };

    it('accepts a duplicate MessageDeduplicationId within 5 minutes without delivering it, even after the first was consumed', async () => {
      const url = await newQueue();
      const sent = await send(url, 'A', 'first', 'order-1');
      const duplicate = await send(url, 'A', 'second', 'order-1');
      const [delivered, ...more] = await receive(url);
      await remove(url, delivered);
      const afterConsumed = await send(url, 'A', 'third', 'order-1');

      expect(duplicate.MessageId).toBe(sent.MessageId);
      expect(afterConsumed.MessageId).toBe(sent.MessageId);
      expect(delivered.Body).toBe('first');
      expect(more).toEqual([]);
      expect(await receive(url)).toEqual([]);
    });

    it('delivers the same MessageDeduplicationId again once 5 minutes have passed since the first send', async () => {
      const url = await newQueue();
      const start = Date.now();
      clockAt(start);
      await send(url, 'A', 'first', 'order-1');
      const [first] = await receive(url);
      await remove(url, first);

      clockAt(start + FIVE_MINUTES - 1000);
      await send(url, 'A', 'within the window', 'order-1');
      clockAt(start + FIVE_MINUTES + 1000);
      await send(url, 'A', 'after the window', 'order-1');

      expect(bodies(await receive(url))).toEqual(['after the window']);
    });

    it('deduplicates on the body with ContentBasedDeduplication', async () => {
      const url = await newQueue({ ContentBasedDeduplication: 'true' });
      await send(url, 'A', 'same', undefined);
      await send(url, 'A', 'same', undefined);
      await send(url, 'A', 'other', undefined);

      expect(bodies(await receive(url))).toEqual(['same', 'other']);
    });

    it('deduplicates within each group only with DeduplicationScope messageGroup', async () => {
      const url = await newQueue({ DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
      await send(url, 'A', 'a', 'id-1');
      await send(url, 'B', 'b', 'id-1');
      await send(url, 'A', 'a again', 'id-1');

      expect(bodies(await receive(url)).sort()).toEqual(['a', 'b']);
    });

    it('deduplicates within a SendMessageBatch too', async () => {
      const url = await newQueue();
      const { Successful = [] } = await cloud.sdk.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: '1', MessageBody: 'x', MessageGroupId: 'A', MessageDeduplicationId: 'd' },
            { Id: '2', MessageBody: 'y', MessageGroupId: 'A', MessageDeduplicationId: 'd' },
          ],
        }),
      );

      expect(Successful).toHaveLength(2);
      expect(Successful[0].MessageId).toBe(Successful[1].MessageId);
      expect(bodies(await receive(url))).toEqual(['x']);
    });
  });

  it('moves a message received maxReceiveCount times to the FIFO DLQ with its group, and frees the group', async () => {
    const dlq = await newQueue();
    const dlqArn = cloud.queueArn(dlq.split('/').pop()!);
    const url = await newQueue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) });
    await send(url, 'A', 'poison');
    await send(url, 'A', 'next');

    for (let receipt = 1; receipt <= 2; receipt++) {
      const got = await eventually(async () => {
        const messages = await receive(url, 1, { VisibilityTimeout: 1 });
        return messages.length > 0 ? messages : undefined;
      }, `receipt ${receipt} of the poison message`);
      expect(bodies(got)).toEqual(['poison']);
    }

    const dead = await eventually(async () => {
      const messages = await receive(dlq);
      return messages.length > 0 ? messages : undefined;
    }, 'the poison message in the DLQ');
    expect(bodies(dead)).toEqual(['poison']);
    expect(dead[0].Attributes).toEqual(expect.objectContaining({ MessageGroupId: 'A', MessageDeduplicationId: 'poison' }));
    expect(bodies(await receive(url))).toEqual(['next']);
  });

  it('moves two messages with the same deduplication id to the DLQ both (a move is not a send)', async () => {
    const dlq = await newQueue();
    const dlqArn = cloud.queueArn(dlq.split('/').pop()!);
    const first = await newQueue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) });
    const second = await newQueue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) });
    await send(first, 'A', 'from first', 'same-id');
    await send(second, 'A', 'from second', 'same-id');

    await receive(first, 1, { VisibilityTimeout: 1 });
    await receive(second, 1, { VisibilityTimeout: 1 });

    // Each message moves when its own visibility timeout ends, so the two can arrive in separate receives;
    // both are in group A, so what is received is deleted to let the group's next message be received.
    const dead: (string | undefined)[] = [];
    await eventually(async () => {
      for (const message of await receive(dlq)) {
        dead.push(message.Body);
        await remove(dlq, message);
      }
      return dead.length >= 2 ? dead : undefined;
    }, 'both messages in the DLQ');
    expect(dead.sort()).toEqual(['from first', 'from second']);
  });
});
