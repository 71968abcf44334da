import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { eventually, sleep } from '../support/eventually';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { recordingLambda, startOfflineSqs, type Handler, type Invocation } from './offline-sqs-poller';

jest.mock('@serverless/utils/log', () => jest.requireActual('./offline-sqs-poller').serverlessLog(), { virtual: true });

/**
 * serverless-offline-sqs (patched) on FIFO queues of the embedded SQS (local-aws-sqs, patched): a
 * group's records reach the function in order, one batch of a group at a time, other groups
 * meanwhile; a failed record comes back with the later records of its group; duplicates within
 * 5 minutes are not delivered; a record that keeps failing goes to the FIFO DLQ and frees its group.
 */
describe('serverless-offline-sqs on a FIFO queue', () => {
  let cloud: TestCloud;
  let n = 0;
  const running: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    cloud = await startTestCloud();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((poller) => poller.stop()));
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  const newQueue = async (attributes: Record<string, string> = {}) => {
    const name = `orders-${++n}-${Date.now()}.fifo`;
    const url = await cloud.createQueue(name, { FifoQueue: 'true', VisibilityTimeout: '1', ...attributes });
    return { name, url };
  };
  /** Sends `group:body` messages, each deduplicated on its body. */
  const send = async (url: string, ...messages: string[]) => {
    for (const message of messages) {
      const [group] = message.split(':');
      await cloud.sdk.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: message, MessageGroupId: group, MessageDeduplicationId: message }));
    }
  };
  const consume = async (
    queue: string,
    handler: Handler,
    event: { batchSize?: number; maximumConcurrency?: number; reportBatchItemFailures?: boolean } = {},
  ) => {
    const lambda = recordingLambda(handler);
    running.push(
      await startOfflineSqs(cloud, lambda, {
        arn: cloud.queueArn(queue),
        batchSize: event.batchSize ?? 10,
        maximumConcurrency: event.maximumConcurrency ?? 2,
        functionResponseType: event.reportBatchItemFailures === false ? undefined : 'ReportBatchItemFailures',
      }),
    );
    return lambda;
  };
  const ofGroup = (group: string, bodies: string[]) => bodies.filter((body) => body.startsWith(`${group}:`));
  const overlap = (a: Invocation, b: Invocation) => a.startedAt < (b.endedAt ?? Infinity) && b.startedAt < (a.endedAt ?? Infinity);

  it('returns a failed record with the later records of its group; earlier records and other groups are done', async () => {
    const queue = await newQueue();
    await send(queue.url, 'A:1', 'A:2', 'A:3', 'B:1', 'B:2');

    const lambda = await consume(queue.name, (records, nth) => {
      const failed = nth === 1 ? records.filter((r) => r.body === 'A:2') : [];
      return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    await eventually(() => (lambda.batches().slice(1).flat().length >= 2 ? true : undefined), 'the retry of A:2 and A:3', 8000);
    await sleep(1500); // anything else would have come back by now

    expect(lambda.batches()[0]).toEqual(['A:1', 'A:2', 'A:3', 'B:1', 'B:2']);
    // They come back in order; how SQS batches them on the way back is not promised (one or two receives).
    expect(lambda.batches().slice(1).flat()).toEqual(['A:2', 'A:3']);
  }, 15_000);

  it('keeps the order within a group across retries of a whole failed batch', async () => {
    const queue = await newQueue();
    await send(queue.url, 'A:1', 'A:2', 'A:3');

    const lambda = await consume(queue.name, (_records, nth) => {
      if (nth === 1) throw new Error('boom');
      return {};
    });
    await eventually(() => (lambda.invocations.length >= 2 ? true : undefined), 'the retry', 15_000);

    expect(lambda.batches()).toEqual([
      ['A:1', 'A:2', 'A:3'],
      ['A:1', 'A:2', 'A:3'],
    ]);
    expect(lambda.invocations[1].records.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['2', '2', '2']);
  });

  it("has one batch of a group in flight at a time, while other groups' batches run", async () => {
    const queue = await newQueue();
    await send(queue.url, 'A:1', 'A:2', 'A:3', 'A:4', 'B:1', 'B:2', 'B:3', 'B:4');

    const lambda = await consume(
      queue.name,
      async () => {
        await sleep(300);
        return {};
      },
      { batchSize: 2, maximumConcurrency: 3 },
    );
    await eventually(() => (lambda.delivered().length >= 8 ? true : undefined), 'all eight records', 8000);

    for (const group of ['A', 'B']) {
      const batches = lambda.invocations.filter((i) => i.records.some((r) => r.body.startsWith(`${group}:`)));
      expect(ofGroup(group, lambda.delivered())).toEqual([1, 2, 3, 4].map((i) => `${group}:${i}`));
      for (const [i, a] of batches.entries()) for (const b of batches.slice(i + 1)) expect(overlap(a, b)).toBe(false);
    }
    const [firstOfA] = lambda.invocations.filter((i) => i.records.some((r) => r.body.startsWith('A:')));
    const [firstOfB] = lambda.invocations.filter((i) => i.records.some((r) => r.body.startsWith('B:')));
    expect(overlap(firstOfA, firstOfB)).toBe(true);
  });

  it('does not deliver a message sent again with its deduplication id within 5 minutes, even once consumed', async () => {
    const queue = await newQueue();
    const lambda = await consume(queue.name, () => ({}));

    await send(queue.url, 'A:1', 'A:1');
    await eventually(() => (lambda.invocations.length >= 1 ? true : undefined), 'the first delivery');
    await sleep(300); // consumed and deleted
    await send(queue.url, 'A:1', 'A:2');
    await eventually(() => (lambda.delivered().includes('A:2') ? true : undefined), 'A:2');

    expect(lambda.delivered()).toEqual(['A:1', 'A:2']);
  });

  it('moves a record that keeps failing to the FIFO DLQ after maxReceiveCount, which frees its group', async () => {
    const dlq = await newQueue();
    const queue = await newQueue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: cloud.queueArn(dlq.name), maxReceiveCount: 2 }) });
    await send(queue.url, 'A:poison', 'B:1');

    const lambda = await consume(queue.name, (records) => {
      const poisoned = records.filter((r) => r.body === 'A:poison');
      return { batchItemFailures: poisoned.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    // Sent while the poison is in flight for the last time: held back until it has left for the DLQ (a later
    // record returned with the failed one would be received, and counted, with it each time, as in AWS).
    await eventually(() => (lambda.invocations.length >= 2 ? true : undefined), 'the second receipt of the poison');
    await send(queue.url, 'A:2');
    await eventually(() => (lambda.delivered().includes('A:2') ? true : undefined), 'A:2 after the poison left', 8000);
    const dead = await cloud.receive(dlq.url, 1);

    expect(lambda.batches()).toEqual([['A:poison', 'B:1'], ['A:poison'], ['A:2']]);
    expect(dead.map((m) => m.Body)).toEqual(['A:poison']);
    expect(lambda.invocations[2].startedAt - lambda.invocations[1].startedAt).toBeGreaterThanOrEqual(900); // the poison's visibility timeout
  }, 15_000);
});
