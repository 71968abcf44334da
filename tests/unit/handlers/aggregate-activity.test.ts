import type { KinesisStreamEvent } from 'aws-lambda';
import type * as AggregateActivityModule from '../../../handlers/aggregate-activity';
import type { ActivityStore } from '../../../lib/reports/activity-store';
import { startDynalite, type TestTable } from '../../support/dynalite';
import { fixture, SAMPLE } from '../../support/events';
import { lambdaContext } from '../../support/lambda-context';

let table: TestTable;
let handler: typeof AggregateActivityModule.handler;
let activity: ActivityStore;

beforeAll(async () => {
  table = await startDynalite();
  ({ handler } = await import('../../../handlers/aggregate-activity'));
  activity = (await import('../../../lib/reports/activity-store')).activityStore(table.tableName);
});
afterAll(() => table.close());

const invoke = (event: KinesisStreamEvent) => handler(event, lambdaContext('aggregateActivity'));
const SEQUENCE = (n: number) => `4966348398437421092387473862395318796826283981000000000${n}`;

function activityRecord(data: Record<string, unknown>, sequence: string) {
  const [record] = fixture<KinesisStreamEvent>('aggregateActivity').Records;
  return {
    ...record,
    eventID: `shardId-000000000000:${sequence}`,
    kinesis: { ...record.kinesis, partitionKey: String(data.orderId), sequenceNumber: sequence, data: Buffer.from(JSON.stringify(data)).toString('base64') },
  };
}

describe('aggregateActivity (Kinesis order-activity stream)', () => {
  it("folds the sample order's status changes into its day at the latest version", async () => {
    const response = await invoke(fixture('aggregateActivity'));

    expect(response).toEqual({ batchItemFailures: [] });
    await expect(activity.day('2026-11-22')).resolves.toEqual([{ orderId: SAMPLE.orderId, hour: '10', status: 'CONFIRMED', totalCents: 5597, version: 3 }]);
  });

  it('keeps the latest version when the batch is replayed', async () => {
    const event = fixture<KinesisStreamEvent>('aggregateActivity');
    event.Records.reverse();

    await invoke(event);

    await expect(activity.day('2026-11-22')).resolves.toEqual([expect.objectContaining({ orderId: SAMPLE.orderId, status: 'CONFIRMED', version: 3 })]);
  });

  it('reports garbage data and a record without orderId by sequence number, and applies the good record', async () => {
    const response = await invoke(fixture('aggregateActivity.poison'));

    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: '49663483984374210923874738623953187968262839810000000005' },
        { itemIdentifier: '49663483984374210923874738623953187968262839810000000006' },
      ],
    });
  });

  it('applies the good records of a batch that holds a poison record', async () => {
    const event = fixture<KinesisStreamEvent>('aggregateActivity.poison');
    const fresh = { orderId: 'fresh-order', status: 'PENDING', totalCents: 100, createdAt: '2026-11-20T08:15:00.000Z', version: 1 };
    event.Records[0] = activityRecord(fresh, SEQUENCE(7));

    await invoke(event);

    await expect(activity.day('2026-11-20')).resolves.toEqual([{ orderId: 'fresh-order', hour: '08', status: 'PENDING', totalCents: 100, version: 1 }]);
  });

  it('fails the whole batch when every record is poison, so Lambda bisects and retries it', async () => {
    const event = fixture<KinesisStreamEvent>('aggregateActivity.poison');
    event.Records.shift();

    await expect(invoke(event)).rejects.toThrow();
  });

  it.each([
    ['a negative total', { totalCents: -5 }],
    ['an unknown status', { status: 'SHIPPED' }],
    ['a local time', { createdAt: '2026-11-22T11:00:00+01:00' }],
  ])('reports a record with %s', async (_label, change) => {
    const good = { orderId: 'good-order', status: 'PENDING', totalCents: 100, createdAt: '2026-11-21T08:15:00.000Z', version: 1 };
    const event = { Records: [activityRecord(good, SEQUENCE(8)), activityRecord({ ...good, orderId: 'bad-order', ...change }, SEQUENCE(9))] };

    await expect(invoke(event)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: SEQUENCE(9) }] });
  });
});
