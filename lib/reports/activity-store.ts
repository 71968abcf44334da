import { paginateQuery, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { unlessConditionFails } from '../aws/conditional';
import type { ActivityFact } from './sales-report';

const dayKey = (date: string) => `SALES#${date}`;

/**
 * The per-hour projection of the activity stream: one item per order under its day, kept at the
 * order's highest version. Replays and out-of-order duplicates cannot move it backwards.
 */
export function activityStore(tableName: string) {
  return {
    /** False when the fact is stale or already applied. */
    async apply(date: string, fact: ActivityFact): Promise<boolean> {
      return unlessConditionFails(
        dynamo
          .send(
            new PutCommand({
              TableName: tableName,
              Item: { pk: dayKey(date), sk: `${fact.hour}#${fact.orderId}`, ...fact },
              ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
              ExpressionAttributeValues: { ':version': fact.version },
            }),
          )
          .then(() => true),
        () => false,
      );
    },

    async day(date: string): Promise<ActivityFact[]> {
      const facts: ActivityFact[] = [];
      const pages = paginateQuery(
        { client: dynamo },
        { TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': dayKey(date) } },
      );
      for await (const page of pages) {
        // The table's items of a day are the facts `apply` wrote, field for field.
        for (const item of (page.Items ?? []) as ActivityFact[]) {
          facts.push({ orderId: item.orderId, hour: item.hour, status: item.status, totalCents: item.totalCents, version: item.version });
        }
      }
      return facts;
    },
  };
}

export type ActivityStore = ReturnType<typeof activityStore>;
