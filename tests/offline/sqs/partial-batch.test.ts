import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { eventually } from '../support/eventually';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { recordingLambda, startOfflineSqs, warnings, type Handler } from './offline-sqs-poller';

jest.mock('@serverless/utils/log', () => jest.requireActual('./offline-sqs-poller').serverlessLog(), { virtual: true });

/**
 * serverless-offline-sqs (patched) on a standard queue: after a successful invocation it deletes
 * the batch, or with ReportBatchItemFailures only the records the function did not report; a
 * function error, or an invalid partial response, returns the whole batch to the queue.
 */
describe('serverless-offline-sqs partial batch responses on a standard queue', () => {
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

  /** A queue holding the bodies (visibility timeout 1 s, so that a returned message comes back soon), polled for the handler. */
  const consume = async (bodies: string[], handler: Handler, event: { functionResponseType?: 'ReportBatchItemFailures' } = {}) => {
    const name = `partial-${++n}-${Date.now()}`;
    const url = await cloud.createQueue(name, { VisibilityTimeout: '1' });
    await cloud.sdk.sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: bodies.map((body, i) => ({ Id: String(i), MessageBody: body })) }));
    const lambda = recordingLambda(handler);
    running.push(await startOfflineSqs(cloud, lambda, { arn: cloud.queueArn(name), batchSize: 10, maximumConcurrency: 1, ...event }));
    return { url, lambda };
  };
  const failing =
    (...bodies: string[]) =>
    (records: { messageId: string; body: string }[]) => ({
      batchItemFailures: records.filter((r) => bodies.includes(r.body)).map((r) => ({ itemIdentifier: r.messageId })),
    });

  it('returns only the reported records to the queue, and delivers them again', async () => {
    const { lambda } = await consume(['a', 'b', 'c'], (records, nth) => (nth === 1 ? failing('b')(records) : {}), {
      functionResponseType: 'ReportBatchItemFailures',
    });

    await eventually(() => (lambda.invocations.length >= 2 ? true : undefined), 'the second invocation');

    expect(lambda.batches()).toEqual([expect.arrayContaining(['a', 'b', 'c']), ['b']]);
  });

  it('deletes the whole batch after a success without ReportBatchItemFailures, whatever the response says', async () => {
    const { url, lambda } = await consume(['a', 'b'], failing('a', 'b'));

    await eventually(() => (lambda.invocations.length >= 1 ? true : undefined), 'the invocation');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // past the visibility timeout

    expect(lambda.delivered().sort()).toEqual(['a', 'b']);
    expect(await cloud.drain(url)).toEqual([]);
  });

  it('returns the whole batch when the function fails', async () => {
    const { lambda } = await consume(
      ['a', 'b'],
      (_records, nth) => {
        if (nth === 1) throw new Error('boom');
      },
      { functionResponseType: 'ReportBatchItemFailures' },
    );

    await eventually(() => (lambda.delivered().length >= 4 ? true : undefined), 'both records delivered again');

    expect(lambda.batches()[0].sort()).toEqual(['a', 'b']);
    expect(lambda.delivered().sort()).toEqual(['a', 'a', 'b', 'b']);
  });

  it.each([
    ['not an object', 'failed'],
    ['batchItemFailures is not a list', { batchItemFailures: 'a' }],
    ['itemIdentifier missing or empty', { batchItemFailures: [{}] }],
    ['itemIdentifier elsewhere is not a message of the batch', { batchItemFailures: [{ itemIdentifier: 'elsewhere' }] }],
  ])('returns the whole batch on an invalid response (%s), with a warning', async (reason, response) => {
    const { lambda } = await consume(['a', 'b'], (_records, nth) => (nth === 1 ? response : {}), { functionResponseType: 'ReportBatchItemFailures' });

    await eventually(() => (lambda.delivered().length >= 4 ? true : undefined), 'both records delivered again');

    expect(lambda.batches()[0].sort()).toEqual(['a', 'b']);
    expect(lambda.delivered().sort()).toEqual(['a', 'a', 'b', 'b']);
    expect(warnings).toContainEqual(expect.stringContaining(`invalid partial batch response (${reason}`));
  });

  it('treats an empty or null response as a complete success', async () => {
    const { url, lambda } = await consume(['a', 'b'], (_records, nth) => (nth === 1 ? { batchItemFailures: [] } : null), {
      functionResponseType: 'ReportBatchItemFailures',
    });

    await eventually(() => (lambda.invocations.length >= 1 ? true : undefined), 'the invocation');
    await new Promise((resolve) => setTimeout(resolve, 1500));

    expect(lambda.invocations).toHaveLength(1);
    expect(await cloud.drain(url)).toEqual([]);
  });
});
