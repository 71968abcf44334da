import '../../support/quiet-sdk';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutRecordCommand, type _Record } from '@aws-sdk/client-kinesis';
import { localClients, type LocalClients } from '../../../../offline/cloud/provision/clients';
import type { StreamConsumerPlan } from '../../../../offline/cloud/provision/plan';
import { fileCheckpoints } from '../../../../offline/cloud/event-sources/checkpoints';
import { kinesisEvent, startKinesisPoller, type StreamPollerOptions } from '../../../../offline/cloud/event-sources/kinesis-poller';
import { lambdaApiInvoker, type Invoker } from '../../../../offline/cloud/lambda/invoke';
import { createDestinationSender } from '../../../../offline/cloud/lambda/destinations';
import { eventually, sleep } from '../../support/eventually';
import { startFakeLambda, succeed, type Behaviour, type FakeLambda } from '../../support/fake-lambda';
import { ACCOUNT_ID, REGION, startTestCloud, type TestCloud } from '../../support/test-cloud';
import { createActiveStream } from '../../support/resources';

type KinesisRecord = {
  kinesis: { data: string; sequenceNumber: string; partitionKey: string; approximateArrivalTimestamp: number };
  eventID: string;
  eventSourceARN: string;
};

/** The payloads of a Kinesis event, decoded. */
const payloads = (event: { Records: KinesisRecord[] }) => event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString());

describe('kinesisEvent', () => {
  it("is the event Lambda hands a Kinesis consumer: base64 data, sequence numbers, arrival in seconds, the stream's ARN", () => {
    const arrival = new Date('2026-01-01T00:00:01.500Z');
    const records: _Record[] = [
      {
        SequenceNumber: '495903382714902566085596925383615',
        PartitionKey: 'order-1',
        Data: Buffer.from('{"type":"OrderPlaced"}'),
        ApproximateArrivalTimestamp: arrival,
      },
      { SequenceNumber: '495903382714902566085596925383616', PartitionKey: 'order-2', Data: new Uint8Array(), ApproximateArrivalTimestamp: arrival },
    ];
    const streamArn = 'arn:aws:kinesis:us-east-1:000000000000:stream/orderflow-local-order-activity';

    const event = kinesisEvent(streamArn, 'shardId-000000000000', records);

    expect(event.Records[0]).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'order-1',
        sequenceNumber: '495903382714902566085596925383615',
        data: Buffer.from('{"type":"OrderPlaced"}').toString('base64'),
        approximateArrivalTimestamp: 1767225601.5,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: 'shardId-000000000000:495903382714902566085596925383615',
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: expect.stringMatching(/^arn:aws:iam::/),
      awsRegion: 'us-east-1',
      eventSourceARN: streamArn,
    });
    expect(event.Records[0].invokeIdentityArn).toBe('arn:aws:iam::000000000000:role/local');
    expect(event.Records[1].kinesis.data).toBe('');
    expect(event.Records.map((r) => r.kinesis.sequenceNumber)).toEqual(records.map((r) => r.SequenceNumber));
  });
});

describe("startKinesisPoller: Lambda's Kinesis event source mapping, on the embedded Kinesis, against a fake Lambda API", () => {
  let cloud: TestCloud;
  let lambda: FakeLambda;
  let clients: LocalClients;
  let stateDir: string;
  const consumers: { stop(): Promise<void> }[] = [];
  let n = 0;

  beforeAll(async () => {
    [cloud, lambda] = await Promise.all([startTestCloud(), startFakeLambda()]);
    clients = localClients({ region: REGION, sqs: cloud.sqsEndpoint, edge: cloud.edge, lambda: lambda.endpoint, accessKeyId: 'test' });
    stateDir = mkdtempSync(join(tmpdir(), 'orderflow-stream-consumer-'));
  });

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
  });

  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await Promise.all([cloud?.stop(), lambda?.stop()]);
    rmSync(stateDir, { recursive: true, force: true });
  });

  /** A stream, an on-failure queue and a mapping plan of the test's own. */
  async function streamFunction(mapping: Partial<StreamConsumerPlan>) {
    const key = `aggregate${++n}`;
    const stream = `activity-${n}`;
    const StreamDescriptionSummary = await createActiveStream(cloud.sdk.kinesis, stream);
    const failuresUrl = await cloud.createQueue(`${key}-failures`);
    const plan: StreamConsumerPlan = {
      functionKey: key,
      functionName: `orderflow-test-${key}`,
      source: 'kinesis',
      stream,
      arn: StreamDescriptionSummary!.StreamARN!,
      enabled: true,
      batchSize: 100,
      batchWindowSeconds: 0,
      startingPosition: 'TRIM_HORIZON',
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeInSeconds: -1,
      reportBatchItemFailures: false,
      parallelizationFactor: 1,
      onFailure: { kind: 'sqs', arn: cloud.queueArn(`${key}-failures`), name: `${key}-failures` },
      ...mapping,
    };
    const putKeyed = async (...records: [partitionKey: string, data: string][]) => {
      const sequenceNumbers: string[] = [];
      for (const [partitionKey, d] of records)
        sequenceNumbers.push(
          (await cloud.sdk.kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: partitionKey, Data: Buffer.from(d) }))).SequenceNumber!,
        );
      return sequenceNumbers;
    };
    const put = (...data: string[]) => putKeyed(...data.map((d): [string, string] => ['order-1', d]));
    const checkpointsFile = join(stateDir, `${key}.json`);
    const start = (options: Partial<StreamPollerOptions> = {}) => {
      const consumer = startKinesisPoller(plan, {
        clients,
        region: REGION,
        accountId: ACCOUNT_ID,
        checkpoints: fileCheckpoints(checkpointsFile),
        idlePollMs: 20,
        retryDelayMs: 20,
        log: () => undefined,
        sendToDestination: createDestinationSender(clients, { asyncQueueOf: () => undefined, log: () => undefined }),
        ...options,
      });
      consumers.push(consumer);
      return consumer;
    };
    const calls = () => lambda.invocations(plan.functionName).map((c) => payloads(c.event));
    return { plan, put, putKeyed, start, calls, failuresUrl, streamArn: StreamDescriptionSummary!.StreamARN! };
  }

  /** Fails any batch holding a record whose payload is "poison". */
  const poisonFails: Behaviour = (event) => (payloads(event).includes('poison') ? { throws: 'cannot aggregate poison' } : { returns: null });

  /** Payloads of the batches the function accepted, in the order it accepted them. */
  const accepted = (calls: string[][]) => calls.filter((batch) => !batch.includes('poison')).flat();

  it('delivers the records in order, in batches of at most batchSize', async () => {
    const fn = await streamFunction({ batchSize: 3 });
    lambda.script(fn.plan.functionName, succeed());
    const data = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
    const sequenceNumbers = await fn.put(...data);

    fn.start();

    await eventually(() => (fn.calls().flat().length >= 7 ? true : undefined), 'all 7 records');
    expect(fn.calls().flat()).toEqual(data);
    for (const batch of fn.calls()) expect(batch.length).toBeLessThanOrEqual(3);
    const first = lambda.invocations(fn.plan.functionName)[0].event.Records[0] as KinesisRecord;
    expect(first.kinesis.sequenceNumber).toBe(sequenceNumbers[0]);
    expect(first.eventSourceARN).toBe(fn.streamArn);
  });

  it('reads an idle shard as soon as the embedded Kinesis says a record was written, not at its next poll', async () => {
    const fn = await streamFunction({});
    lambda.script(fn.plan.functionName, succeed());
    fn.start({ idlePollMs: 120_000, writes: cloud.streamWrites }); // polls once, then would sleep for 2 minutes
    await sleep(300);

    await fn.put('woken');

    await eventually(() => (fn.calls().flat().includes('woken') ? true : undefined), 'the record written while the shard slept');
  });

  it('reads a shard once per signalled write at its tip: no second, empty read after each batch', async () => {
    const fn = await streamFunction({});
    lambda.script(fn.plan.functionName, succeed());
    const reads: string[] = [];
    clients.kinesis.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'GetRecordsCommand') reads.push(context.commandName);
        return next(args);
      },
      { step: 'initialize', name: 'countGetRecords' },
    );
    try {
      fn.start({ idlePollMs: 120_000, writes: cloud.streamWrites }); // after a read at the tip, only a write wakes it
      await eventually(() => (reads.length === 1 ? true : undefined), 'the first, empty read');

      await fn.put('first');
      await eventually(() => (fn.calls().flat().includes('first') ? true : undefined), 'the first record');
      await fn.put('second');
      await eventually(() => (fn.calls().flat().includes('second') ? true : undefined), 'the second record');
      await sleep(200);

      expect(reads).toHaveLength(3);
    } finally {
      clients.kinesis.middlewareStack.remove('countGetRecords');
    }
  });

  it('with bisectBatchOnFunctionError, isolates a poison record: the good ones around it go through, it goes to the on-failure queue', async () => {
    const fn = await streamFunction({ bisectBatchOnFunctionError: true, maximumRetryAttempts: 1 });
    lambda.script(fn.plan.functionName, poisonFails);
    const [, , poison] = await fn.put('g1', 'g2', 'poison', 'g3', 'g4');

    fn.start();

    const [failure] = await cloud.receive(fn.failuresUrl, 1, 5000);
    await eventually(() => (accepted(fn.calls()).includes('g4') ? true : undefined), 'the records after the poison');
    expect(accepted(fn.calls())).toEqual(['g1', 'g2', 'g3', 'g4']);
    const record = JSON.parse(failure.Body!);
    expect(record.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 2 });
    expect(record.KinesisBatchInfo).toMatchObject({
      shardId: 'shardId-000000000000',
      startSequenceNumber: poison,
      endSequenceNumber: poison,
      batchSize: 1,
      streamArn: fn.streamArn,
    });
    expect(fn.calls().filter((batch) => batch.length === 1 && batch[0] === 'poison')).toHaveLength(2);
  });

  it('without bisect, retries the whole batch up to maximumRetryAttempts, then sends it to the on-failure queue and moves on', async () => {
    const fn = await streamFunction({ maximumRetryAttempts: 2 });
    lambda.script(fn.plan.functionName, poisonFails);
    const [first, , last] = await fn.put('g1', 'poison', 'g2');

    fn.start();

    const [failure] = await cloud.receive(fn.failuresUrl, 1, 5000);
    expect(fn.calls()).toEqual([
      ['g1', 'poison', 'g2'],
      ['g1', 'poison', 'g2'],
      ['g1', 'poison', 'g2'],
    ]);
    const record = JSON.parse(failure.Body!);
    expect(record.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 });
    expect(record.KinesisBatchInfo).toMatchObject({ startSequenceNumber: first, endSequenceNumber: last, batchSize: 3, streamArn: fn.streamArn });

    await fn.put('g3');
    await eventually(() => (accepted(fn.calls()).includes('g3') ? true : undefined), 'the next record');
    expect(fn.calls()).toHaveLength(4);
  });

  it('with a partial batch response, resumes from the first failed record without redelivering those before it', async () => {
    const fn = await streamFunction({ reportBatchItemFailures: true, maximumRetryAttempts: 5 });
    const sequenceNumbers = await fn.put('r1', 'r2', 'r3', 'r4', 'r5');
    lambda.script(fn.plan.functionName, (_event, invocation) => ({
      returns: invocation === 1 ? { batchItemFailures: [{ itemIdentifier: sequenceNumbers[2] }] } : { batchItemFailures: [] },
    }));

    fn.start();

    await eventually(() => (fn.calls().length >= 2 ? true : undefined), 'the retry');
    await sleep(100);
    expect(fn.calls()).toEqual([
      ['r1', 'r2', 'r3', 'r4', 'r5'],
      ['r3', 'r4', 'r5'],
    ]);
    expect(await cloud.drain(fn.failuresUrl)).toEqual([]);
  });

  it('discards records older than maximumRecordAgeInSeconds to the on-failure queue, without invoking', async () => {
    const fn = await streamFunction({ maximumRecordAgeInSeconds: 1 });
    lambda.script(fn.plan.functionName, succeed());
    const [oldest, newest] = await fn.put('old-1', 'old-2');
    await sleep(1100);

    fn.start();

    const [failure] = await cloud.receive(fn.failuresUrl, 1, 5000);
    const record = JSON.parse(failure.Body!);
    expect(record.requestContext).toMatchObject({ condition: 'RecordAgeExceeded', approximateInvokeCount: 0 });
    expect(record.KinesisBatchInfo).toMatchObject({ startSequenceNumber: oldest, endSequenceNumber: newest, batchSize: 2 });
    expect(fn.calls()).toEqual([]);

    await fn.put('fresh');
    await eventually(() => (fn.calls().length > 0 ? true : undefined), 'the fresh record');
    expect(fn.calls()).toEqual([['fresh']]);
  });

  it('resumes from its checkpoint: a new consumer on the same stream does not replay what was processed', async () => {
    const fn = await streamFunction({});
    lambda.script(fn.plan.functionName, succeed());
    await fn.put('r1', 'r2');
    const first = fn.start();
    await eventually(() => (fn.calls().flat().length >= 2 ? true : undefined), 'the first two records');
    await first.stop();

    await fn.put('r3');
    fn.start();

    await eventually(() => (fn.calls().flat().includes('r3') ? true : undefined), 'the third record');
    await sleep(100);
    expect(fn.calls().flat()).toEqual(['r1', 'r2', 'r3']);
  });

  it('with batchWindow, waits to gather records into one batch, but delivers a full batch at once', async () => {
    const fn = await streamFunction({ batchWindowSeconds: 1, batchSize: 3 });
    lambda.script(fn.plan.functionName, succeed());
    fn.start({ writes: cloud.streamWrites });
    await sleep(100);

    const startedAt = Date.now();
    await fn.put('w1');
    await sleep(150);
    await fn.put('w2');
    await eventually(() => (fn.calls().length > 0 ? true : undefined), 'the gathered batch');
    const gatheredAfter = Date.now() - startedAt;
    await fn.put('f1', 'f2', 'f3');
    const fullFrom = Date.now();
    await eventually(() => (fn.calls().length > 1 ? true : undefined), 'the full batch');
    const fullAfter = Date.now() - fullFrom;

    expect(fn.calls()).toEqual([
      ['w1', 'w2'],
      ['f1', 'f2', 'f3'],
    ]);
    expect(gatheredAfter).toBeGreaterThanOrEqual(900);
    expect(fullAfter).toBeLessThan(700);
  });

  it('with startingPosition LATEST, delivers only what is written after it started', async () => {
    const fn = await streamFunction({ startingPosition: 'LATEST' });
    lambda.script(fn.plan.functionName, succeed());
    await fn.put('before');
    fn.start({ writes: cloud.streamWrites });
    await sleep(200);

    await fn.put('after');

    await eventually(() => (fn.calls().flat().includes('after') ? true : undefined), 'the record written after the start');
    expect(fn.calls().flat()).toEqual(['after']);
  });

  it('with startingPosition AT_TIMESTAMP, delivers from startingPositionTimestamp on, and waits at the tip when nothing is that recent', async () => {
    const fn = await streamFunction({});
    lambda.script(fn.plan.functionName, succeed());
    await fn.put('older');
    await sleep(1100); // Kinesis timestamps are compared in seconds with fractions
    fn.plan.startingPosition = 'AT_TIMESTAMP';
    fn.plan.startingPositionTimestamp = Date.now() / 1000;
    await fn.put('newer');
    fn.start({ writes: cloud.streamWrites });
    await eventually(() => (fn.calls().flat().includes('newer') ? true : undefined), 'the record after the timestamp');

    const empty = await streamFunction({ startingPosition: 'AT_TIMESTAMP' });
    lambda.script(empty.plan.functionName, succeed());
    await empty.put('old');
    await sleep(50);
    empty.plan.startingPositionTimestamp = Date.now() / 1000;
    empty.start({ writes: cloud.streamWrites });
    await sleep(300);
    await empty.put('next');
    await eventually(() => (empty.calls().flat().includes('next') ? true : undefined), 'the record written after the start');

    expect(fn.calls().flat()).toEqual(['newer']);
    expect(empty.calls().flat()).toEqual(['next']);
  });

  it('treats an unusable partial batch response (an identifier not in the batch) as a failure of the whole batch', async () => {
    const fn = await streamFunction({ reportBatchItemFailures: true, maximumRetryAttempts: 1 });
    lambda.script(fn.plan.functionName, () => ({ returns: { batchItemFailures: [{ itemIdentifier: 'not-a-sequence-number' }] } }));
    const [first, , last] = await fn.put('r1', 'r2', 'r3');

    fn.start();

    const [failure] = await cloud.receive(fn.failuresUrl, 1, 5000);
    expect(fn.calls()).toEqual([
      ['r1', 'r2', 'r3'],
      ['r1', 'r2', 'r3'],
    ]);
    const record = JSON.parse(failure.Body!);
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: {
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 2,
        functionArn: expect.stringContaining(`:function:${fn.plan.functionName}`),
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: first,
        endSequenceNumber: last,
        approximateArrivalOfFirstRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        approximateArrivalOfLastRecord: expect.stringMatching(/Z$/),
        batchSize: 3,
        streamArn: fn.streamArn,
      },
    });
    expect(record).not.toHaveProperty('payload');
  });

  it('sends an S3 destination the discarded batch too, as the event the function was given', async () => {
    const fn = await streamFunction({ maximumRetryAttempts: 0, onFailure: { kind: 's3', arn: 'arn:aws:s3:::failures', name: 'failures' } });
    lambda.script(fn.plan.functionName, poisonFails);
    await fn.put('poison');
    const sent: { destination: unknown; record: Record<string, unknown> }[] = [];

    fn.start({ sendToDestination: async (destination, record) => void sent.push({ destination, record: record as Record<string, unknown> }) });

    await eventually(() => (sent.length > 0 ? true : undefined), 'the failure record');
    expect(sent[0].destination).toEqual({ kind: 's3', arn: 'arn:aws:s3:::failures', name: 'failures' });
    expect(JSON.parse(sent[0].record.payload as string)).toEqual(lambda.invocations(fn.plan.functionName)[0].event);
  });

  it('with parallelizationFactor, delivers a shard in concurrent batches, each partition key in order', async () => {
    const fn = await streamFunction({ parallelizationFactor: 4 });
    lambda.script(fn.plan.functionName, succeed());
    const keys = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8'];
    const written = [1, 2, 3].flatMap((i) => keys.map((key): [string, string] => [key, `${key}-${i}`]));
    await fn.putKeyed(...written);
    let inFlight = 0;
    let mostInFlight = 0;
    const viaLambdaApi = lambdaApiInvoker(clients.lambda);
    const slowInvoke: Invoker = async (functionName, event) => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      await sleep(100);
      try {
        return await viaLambdaApi(functionName, event);
      } finally {
        inFlight -= 1;
      }
    };

    fn.start({ invoke: slowInvoke });

    await eventually(() => (fn.calls().flat().length >= written.length ? true : undefined), 'every record');
    const delivered = fn.calls().flat();
    expect([...delivered].sort()).toEqual(written.map(([, d]) => d).sort());
    for (const key of keys) expect(delivered.filter((d) => d.startsWith(`${key}-`))).toEqual([`${key}-1`, `${key}-2`, `${key}-3`]);
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(4);
  });

  it('skips the records the filter rejects, and checkpoints past them: a batch left empty invokes nothing', async () => {
    const fn = await streamFunction({});
    lambda.script(fn.plan.functionName, succeed());
    const keep = (record: Record<string, unknown>) =>
      !Buffer.from((record.kinesis as { data: string }).data, 'base64')
        .toString()
        .startsWith('skip');
    await fn.put('skip-1', 'keep-1', 'skip-2');
    const first = fn.start({ filter: keep });
    await eventually(() => (fn.calls().flat().includes('keep-1') ? true : undefined), 'the kept record');
    await fn.put('skip-3', 'skip-4');
    await sleep(200);
    expect(fn.calls()).toEqual([['keep-1']]);
    await first.stop();

    await fn.put('keep-2');
    fn.start({ filter: keep });

    await eventually(() => (fn.calls().flat().includes('keep-2') ? true : undefined), 'the next kept record');
    await sleep(100);
    expect(fn.calls()).toEqual([['keep-1'], ['keep-2']]);
  });

  it('keeps checkpoints of two functions on one stream apart', async () => {
    const fn = await streamFunction({});
    lambda.script(fn.plan.functionName, succeed());
    await fn.put('r1');
    const checkpoints = fileCheckpoints(join(stateDir, 'shared.json'));
    fn.start({ checkpoints });
    await eventually(() => (fn.calls().flat().includes('r1') ? true : undefined), 'the first function');

    const other = { ...fn.plan, functionName: `${fn.plan.functionName}-other` };
    lambda.script(other.functionName, succeed());
    consumers.push(
      startKinesisPoller(other, {
        clients,
        region: REGION,
        accountId: ACCOUNT_ID,
        checkpoints,
        idlePollMs: 20,
        retryDelayMs: 20,
        log: () => undefined,
        sendToDestination: async () => undefined,
      }),
    );

    await eventually(() => (lambda.invocations(other.functionName).length > 0 ? true : undefined), 'the second function');
    expect(payloads(lambda.invocations(other.functionName)[0].event)).toEqual(['r1']);
  });
});
