import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { PublishCommand } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { eventually, sleep } from '../offline/support/eventually';
import { startService, type RunningService } from './support/start-service';

// The sleepy service as `npm start` runs a service: the local cloud's async and stream event sources
// invoke its functions over the IPC channel to the Serverless process (plugin/direct-invoker.ts,
// plugin/cloud-client.ts, cloud/cloud-process.ts), where serverless-offline's Lambda runtime runs
// them, in that process (orderflow's choice) or in worker threads. Its nap functions time out after
// 1 second when a message asks them to sleep 3.
jest.setTimeout(40_000);

const VERSIONED = join(__dirname, 'sleepy', 'handlers', 'versioned.js');
const TIMED_OUT = /^RequestId: \S+ Error: Task timed out after 1\.00 seconds$/;

describe.each([
  ['in process', 'true'],
  ['in worker threads', 'false'],
])('the local cloud invoking functions over IPC, %s', (_mode, inProcess) => {
  let sleepy: RunningService;
  let marker: string;
  const original = readFileSync(VERSIONED, 'utf8');

  beforeAll(async () => {
    sleepy = await startService('sleepy', { SLEEPY_IN_PROCESS: inProcess });
  }, 150_000);
  afterAll(async () => {
    writeFileSync(VERSIONED, original);
    await sleepy?.stop();
  }, 30_000);
  beforeEach(() => (marker = randomUUID()));

  /** The first message of a queue whose body holds `needle` (every message read is deleted). */
  const received = async (queue: string, needle = marker, timeoutMs = 20_000): Promise<Record<string, any>> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { Messages = [] } = await sleepy.sdk.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: sleepy.queueUrl(queue), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const message of Messages) {
        await sleepy.sdk.sqs.send(new DeleteMessageCommand({ QueueUrl: sleepy.queueUrl(queue), ReceiptHandle: message.ReceiptHandle }));
        if (message.Body?.includes(needle)) return JSON.parse(message.Body);
      }
    }
    throw new Error(`Nothing holding ${needle} arrived in ${queue} within ${timeoutMs} ms`);
  };
  const publish = (topic: string, message: object) =>
    sleepy.sdk.sns.send(new PublishCommand({ TopicArn: sleepy.arn('sns', `sleepy-local-${topic}`), Message: JSON.stringify(message) }));
  const putTicks = async (...ticks: object[]) => {
    const { FailedRecordCount, Records = [] } = await sleepy.sdk.kinesis.send(
      new PutRecordsCommand({
        StreamName: 'sleepy-local-ticks',
        Records: ticks.map((tick) => ({ PartitionKey: marker, Data: Buffer.from(JSON.stringify(tick)) })),
      }),
    );
    expect(FailedRecordCount).toBe(0);
    return Records.map((r) => r.SequenceNumber!);
  };

  const ticks = (batch: string[]) => batch.map((data) => JSON.parse(data).tick);
  /** The batches the Kinesis function recorded, once one of them held `tick` and nothing else. */
  const deliveredAlone = (tick: number): Promise<string[][]> =>
    eventually(
      async () => {
        const batches: string[][] = await sleepy.recorded('kinesis', marker, 1);
        return batches.some((batch) => ticks(batch).join() === String(tick)) ? batches : undefined;
      },
      `tick ${tick} delivered in a batch of its own`,
      15_000,
      100,
    );

  it('invokes an SNS-triggered function asynchronously and sends its result to onSuccess', async () => {
    await publish('alerts', { marker });

    expect(await sleepy.recorded('sns', marker)).toEqual([[JSON.stringify({ marker })]]);
    const record = await received('sleepy-local-alert-successes');
    expect(record.requestContext).toMatchObject({ condition: 'Success', approximateInvokeCount: 1 });
    expect(record.responsePayload).toEqual({ napped: 1 });
  });

  it('invokes a Kinesis-triggered function with a batch of its stream', async () => {
    await putTicks({ marker, tick: 1 }, { marker, tick: 2 });

    const batches: string[][] = await sleepy.recorded('kinesis', marker);
    expect(batches.flat().map((data) => JSON.parse(data).tick)).toEqual([1, 2]);
  });

  it("stops an async invocation at its timeout, retries it, sends it to onFailure with Lambda's message, then runs the next event normally", async () => {
    await publish('alerts', { marker, sleepMs: 3000 });

    const failure = await received('sleepy-local-alert-failures');
    expect(failure.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 2 });
    expect(failure.responseContext).toMatchObject({ functionError: 'Unhandled' });
    expect(failure.responsePayload).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: expect.stringMatching(TIMED_OUT) });
    expect(await sleepy.recorded('sns', marker)).toHaveLength(2); // the first attempt and its one retry (maximumRetryAttempts: 1)

    marker = randomUUID();
    await publish('alerts', { marker });
    const success = await received('sleepy-local-alert-successes');
    expect(success.requestContext).toMatchObject({ condition: 'Success', approximateInvokeCount: 1 });
    expect(success.responsePayload).toEqual({ napped: 1 });
  });

  it('bisects a stream batch that times out, retries the record that does, sends it to onFailure, then runs the next batch normally', async () => {
    const [, slow] = await putTicks({ marker, tick: 1 }, { marker, tick: 2, sleepMs: 3000 }, { marker, tick: 3 });

    // The record describes the batch's place in the shard, not its data.
    const failure = await received('sleepy-local-tick-failures', slow);
    expect(failure.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 2 });
    expect(failure.responseContext).toMatchObject({ functionError: 'Unhandled' });
    expect(failure.KinesisBatchInfo).toMatchObject({
      batchSize: 1,
      startSequenceNumber: slow,
      endSequenceNumber: slow,
      streamArn: sleepy.arn('kinesis', 'stream/sleepy-local-ticks'),
    });
    // Ticks 1 and 3 were each delivered in a batch without tick 2, and succeeded; tick 4, put after, runs normally.
    expect(await deliveredAlone(3)).toBeDefined();
    expect(await deliveredAlone(1)).toBeDefined();
    expect((await sleepy.recorded('kinesis', marker, 1)).filter((batch: string[]) => ticks(batch).join() === '2')).toHaveLength(2); // alone, then its one retry

    await putTicks({ marker, tick: 4 });
    expect(await deliveredAlone(4)).toBeDefined();
    await sleep(2000); // a timed-out invocation of tick 4 would have been retried and sent to onFailure by now
    const { Messages = [] } = await sleepy.sdk.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: sleepy.queueUrl('sleepy-local-tick-failures'), WaitTimeSeconds: 0 }),
    );
    expect(Messages).toEqual([]);
  });

  it('runs the new code of an edited handler file under HTTP, SQS and SNS, without a restart', async () => {
    const version = `v-${marker}`;
    try {
      writeFileSync(VERSIONED, original.replace("const VERSION = 'v1';", `const VERSION = '${version}';`));

      await eventually(
        async () => (((await (await fetch(`${sleepy.http}/version`)).json()) as { version: string }).version === version ? true : undefined),
        'GET /version answering the new version',
        // The watcher's rebuild on a busy machine: a deadline, not a figure.
        45_000,
        200,
      );
      await sleepy.sdk.sqs.send(new SendMessageCommand({ QueueUrl: sleepy.queueUrl('sleepy-local-jobs'), MessageBody: marker }));
      await publish('notices', { marker });

      expect(await sleepy.recorded('sqs', marker)).toEqual([{ version, body: marker }]);
      expect(await sleepy.recorded('sns', marker)).toEqual([{ version, message: JSON.stringify({ marker }) }]);
    } finally {
      writeFileSync(VERSIONED, original);
    }
  }, 90_000);
});
