import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, TABLE } from './aws';

/** One order as the sales projection holds it (lib/reports/activity-store.ts: one item per order under its UTC day). */
export type ProjectedOrder = { orderId: string; status: string; totalCents: number; version: number };

/** Every order the projection counts on a day, by order id. */
export async function salesProjection(date: string): Promise<Map<string, ProjectedOrder>> {
  const orders = new Map<string, ProjectedOrder>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `SALES#${date}` },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      if (orders.has(item.orderId)) throw new Error(`The projection of ${date} holds order ${item.orderId} twice`);
      orders.set(item.orderId, { orderId: item.orderId, status: item.status, totalCents: item.totalCents, version: item.version });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return orders;
}

export type Tally = { orders: number; revenueCents: number; byStatus: Record<string, number> };

/** What the report should show for these orders (revenue counts CONFIRMED orders only). */
export function tally(orders: Iterable<{ status: string; totalCents: number }>): Tally {
  const result: Tally = { orders: 0, revenueCents: 0, byStatus: {} };
  for (const order of orders) {
    result.orders += 1;
    result.byStatus[order.status] = (result.byStatus[order.status] ?? 0) + 1;
    if (order.status === 'CONFIRMED') result.revenueCents += order.totalCents;
  }
  return result;
}

/** a - b, field by field; statuses present in neither are left out. */
export function minus(a: Tally, b: Tally): Tally {
  const statuses = new Set([...Object.keys(a.byStatus), ...Object.keys(b.byStatus)]);
  return {
    orders: a.orders - b.orders,
    revenueCents: a.revenueCents - b.revenueCents,
    byStatus: Object.fromEntries([...statuses].map((s) => [s, (a.byStatus[s] ?? 0) - (b.byStatus[s] ?? 0)]).filter(([, n]) => n !== 0)),
  };
}

export function plus(a: Tally, b: Tally): Tally {
  return minus(a, minus({ orders: 0, revenueCents: 0, byStatus: {} }, b));
}
