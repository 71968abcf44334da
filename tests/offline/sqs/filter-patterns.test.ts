import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { compileSqsFilterPatterns } from '../../../offline/plugin/sqs-filter-patterns';
import { eventually, sleep } from '../support/eventually';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { recordingLambda, startOfflineSqs, warnings } from './offline-sqs-poller';

jest.mock('@serverless/utils/log', () => jest.requireActual('./offline-sqs-poller').serverlessLog(), { virtual: true });

/**
 * serverless-offline-sqs (patched) with an sqs event's filterPatterns, applied through its
 * `compileFilterPatterns` option as our plugin fills it (the local cloud's pattern engine): a record
 * that matches no pattern never reaches the function and is deleted, as Lambda does.
 */
describe('serverless-offline-sqs filterPatterns', () => {
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

  const newQueue = async (fifo = false) => {
    const name = `filtered-${++n}-${Date.now()}${fifo ? '.fifo' : ''}`;
    const url = await cloud.createQueue(name, fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'true' } : {});
    return { name, url };
  };
  const send = (url: string, body: unknown, MessageGroupId?: string) =>
    cloud.sdk.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: typeof body === 'string' ? body : JSON.stringify(body), MessageGroupId }));
  const backlog = async (url: string) => {
    const { Attributes = {} } = await cloud.sdk.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  };

  it('invokes the function with the matching records only, and deletes the others', async () => {
    const queue = await newQueue();
    for (const type of ['OrderPlaced', 'OrderPaid', 'OrderPlaced']) await send(queue.url, { type, id: n });
    await send(queue.url, 'not json');
    const lambda = recordingLambda(() => ({}));

    running.push(
      await startOfflineSqs(
        cloud,
        lambda,
        { arn: cloud.queueArn(queue.name), filterPatterns: [{ body: { type: ['OrderPlaced'] } }] },
        { compileFilterPatterns: compileSqsFilterPatterns },
      ),
    );
    await eventually(async () => ((await backlog(queue.url)) === 0 ? true : undefined), 'the queue to be empty');

    expect(lambda.delivered().map((body) => JSON.parse(body).type)).toEqual(['OrderPlaced', 'OrderPlaced']);
  });

  it('deletes a batch that matches nothing without invoking the function', async () => {
    const queue = await newQueue();
    await send(queue.url, { type: 'OrderPaid' });
    const lambda = recordingLambda(() => ({}));

    running.push(
      await startOfflineSqs(
        cloud,
        lambda,
        { arn: cloud.queueArn(queue.name), filterPatterns: [{ Pattern: JSON.stringify({ body: { type: ['OrderPlaced'] } }) }] },
        { compileFilterPatterns: compileSqsFilterPatterns },
      ),
    );
    await eventually(async () => ((await backlog(queue.url)) === 0 ? true : undefined), 'the queue to be empty');
    await sleep(200);

    expect(lambda.invocations).toEqual([]);
  });

  it('matches on record metadata too: a FIFO queue filtered on the message group', async () => {
    const queue = await newQueue(true);
    await send(queue.url, 'a1', 'A');
    await send(queue.url, 'b1', 'B');
    await send(queue.url, 'a2', 'A');
    const lambda = recordingLambda(() => ({}));

    running.push(
      await startOfflineSqs(
        cloud,
        lambda,
        { arn: cloud.queueArn(queue.name), filterPatterns: [{ attributes: { MessageGroupId: ['A'] } }] },
        { compileFilterPatterns: compileSqsFilterPatterns },
      ),
    );
    await eventually(async () => ((await backlog(queue.url)) === 0 ? true : undefined), 'the queue to be empty');

    expect(lambda.delivered()).toEqual(['a1', 'a2']);
  });

  it('stops the start on a pattern Lambda would refuse, naming the function, the event and the pattern', async () => {
    const queue = await newQueue();

    await expect(
      startOfflineSqs(
        cloud,
        recordingLambda(() => ({})),
        { arn: cloud.queueArn(queue.name), filterPatterns: [{ body: { type: 'OrderPlaced' } }] },
        { compileFilterPatterns: compileSqsFilterPatterns },
      ),
    ).rejects.toThrow(new RegExp(`^function consumer, sqs event on ${queue.name}: filterPatterns\\[0\\]`));
  });

  it('without a compileFilterPatterns option, says once that the patterns are not applied and delivers everything', async () => {
    const queue = await newQueue();
    await send(queue.url, { type: 'OrderPaid' });
    const lambda = recordingLambda(() => ({}));

    running.push(await startOfflineSqs(cloud, lambda, { arn: cloud.queueArn(queue.name), filterPatterns: [{ body: { type: ['OrderPlaced'] } }] }));
    await eventually(() => (lambda.invocations.length > 0 ? true : undefined), 'the invocation');

    expect(warnings.filter((w) => w.includes(`filterPatterns of the sqs event on ${queue.name} are not applied`))).toHaveLength(1);
  });
});
