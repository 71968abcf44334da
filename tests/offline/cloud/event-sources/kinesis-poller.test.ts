import '../../support/quiet-sdk';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStreamCommand, DescribeStreamSummaryCommand, PutRecordCommand, type _Record } from '@aws-sdk/client-kinesis';
import { localClients, type LocalClients } from '../../../../offline/cloud/provision/clients';
import type { StreamConsumerPlan } from '../../../../offline/cloud/provision/plan';
import { fileCheckpoints } from '../../../../offline/cloud/event-sources/checkpoints';
import { kinesisEvent, startKinesisPoller, type StreamPollerOptions } from '../../../../offline/cloud/event-sources/kinesis-poller';
import { sqsDestinationSender } from '../../../../offline/cloud/event-sources/sqs-destination';
import { eventually, sleep } from '../../support/eventually';
import { startFakeLambda, succeed, type Behaviour, type FakeLambda } from '../../support/fake-lambda';
import { ACCOUNT_ID, REGION, startTestCloud, type TestCloud } from '../../support/test-cloud';

type KinesisRecord = { kinesis: { data: string; sequenceNumber: string; partitionKey: string; approximateArrivalTimestamp: number }; eventID: string; eventSourceARN: string };

/** The payloads of a Kinesis event, decoded. */
const payloads = (event: { Records: KinesisRecord[] }) => event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString());

describe('kinesisEvent', () => {
  it("is the event Lambda hands a Kinesis consumer: base64 data, sequence numbers, arrival in seconds, the stream's ARN", () => {
    const arrival = new Date('2026-01-01T00:00:01.500Z');
    const records: _Record[] = [
      { SequenceNumber: '495903382714902566085596925383615', PartitionKey: 'order-1', Data: Buffer.from('{"type":"OrderPlaced"}'), ApproximateArrivalTimestamp: arrival },
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
    await cloud.sdk.kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
    const { StreamDescriptionSummary } = await eventually(async () => {
      const summary = await cloud.sdk.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
      return summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE' ? summary : undefined;
    }, 'the stream to become active');
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
      for (const [partitionKey, d] of records) sequenceNumbers.push((await cloud.sdk.kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: partitionKey, Data: Buffer.from(d) }))).SequenceNumber!);
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
        sendToDestination: sqsDestinationSender(clients, () => undefined),
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
    expect(record.KinesisBatchInfo).toMatchObject({ shardId: 'shardId-000000000000', startSequenceNumber: poison, endSequenceNumber: poison, batchSize: 1, streamArn: fn.streamArn });
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
    lambda.script(fn.plan.functionName, (_event, invocation) => ({ returns: invocation === 1 ? { batchItemFailures: [{ itemIdentifier: sequenceNumbers[2] }] } : { batchItemFailures: [] } }));

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
});
