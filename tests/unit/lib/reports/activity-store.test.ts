import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ActivityStore } from '../../../../lib/reports/activity-store';
import type { ActivityFact } from '../../../../lib/reports/sales-report';
import { startDynalite, type TestTable } from '../../../support/dynalite';

let table: TestTable;
let activity: ActivityStore;

beforeAll(async () => {
  table = await startDynalite();
  activity = (await import('../../../../lib/reports/activity-store')).activityStore(table.tableName);
});
afterAll(() => table.close());

const fact = (orderId: string, status: ActivityFact['status'], version: number, hour = '10'): ActivityFact => ({
  orderId,
  hour,
  status,
  totalCents: 5597,
  version,
});

describe('activityStore', () => {
  it('keeps each order at its highest version', async () => {
    await expect(activity.apply('2026-11-01', fact('o-1', 'PENDING', 1))).resolves.toBe(true);
    await expect(activity.apply('2026-11-01', fact('o-1', 'PAID', 2))).resolves.toBe(true);
    await expect(activity.apply('2026-11-01', fact('o-1', 'CONFIRMED', 3))).resolves.toBe(true);

    await expect(activity.day('2026-11-01')).resolves.toEqual([fact('o-1', 'CONFIRMED', 3)]);
  });

  it('ignores a stale version that arrives late', async () => {
    await activity.apply('2026-11-02', fact('o-2', 'CONFIRMED', 3));

    await expect(activity.apply('2026-11-02', fact('o-2', 'PAID', 2))).resolves.toBe(false);
    await expect(activity.apply('2026-11-02', fact('o-2', 'PENDING', 1))).resolves.toBe(false);
    await expect(activity.day('2026-11-02')).resolves.toEqual([fact('o-2', 'CONFIRMED', 3)]);
  });

  it('ignores a replay of the version it holds', async () => {
    await activity.apply('2026-11-03', fact('o-3', 'PAID', 2));

    await expect(activity.apply('2026-11-03', fact('o-3', 'PAID', 2))).resolves.toBe(false);
  });

  it('keeps days apart and lists every order of the day', async () => {
    await activity.apply('2026-11-04', fact('o-4a', 'PENDING', 1, '08'));
    await activity.apply('2026-11-04', fact('o-4b', 'EXPIRED', 2, '23'));
    await activity.apply('2026-11-05', fact('o-5', 'PENDING', 1, '00'));

    const day = await activity.day('2026-11-04');

    expect(day).toHaveLength(2);
    expect(day).toEqual(expect.arrayContaining([fact('o-4a', 'PENDING', 1, '08'), fact('o-4b', 'EXPIRED', 2, '23')]));
    await expect(activity.day('2026-11-06')).resolves.toEqual([]);
  });

  it('reads a day larger than one DynamoDB page', async () => {
    // 60 items of ~20 KB push the day past the 1 MB page size of Query.
    const padding = 'x'.repeat(20_000);
    const orderIds = Array.from({ length: 60 }, (_, i) => `o-page-${String(i).padStart(4, '0')}`);
    await Promise.all(
      orderIds.map((orderId) =>
        table.doc.send(
          new PutCommand({ TableName: table.tableName, Item: { pk: 'SALES#2026-11-07', sk: `10#${orderId}`, ...fact(orderId, 'CONFIRMED', 3), padding } }),
        ),
      ),
    );

    const firstPage = await table.doc.send(
      new QueryCommand({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'SALES#2026-11-07' } }),
    );
    expect(firstPage.LastEvaluatedKey).toBeDefined();

    const day = await activity.day('2026-11-07');

    expect(day).toHaveLength(60);
    expect(day[0]).toEqual(fact('o-page-0000', 'CONFIRMED', 3));
  });
});
