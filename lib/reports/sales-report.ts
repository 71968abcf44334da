import type { OrderStatus } from '../orders/order';

/** One order as the activity stream last described it, filed under the UTC hour it was placed. */
export type ActivityFact = { orderId: string; hour: string; status: OrderStatus; totalCents: number; version: number };

type Tally = { orders: number; revenueCents: number; byStatus: Partial<Record<OrderStatus, number>> };

export type SalesReport = { date: string; totals: Tally; hours: ({ hour: string } & Tally)[] };

const emptyTally = (): Tally => ({ orders: 0, revenueCents: 0, byStatus: {} });

function count(tally: Tally, fact: ActivityFact): void {
  tally.orders += 1;
  tally.byStatus[fact.status] = (tally.byStatus[fact.status] ?? 0) + 1;
  // Revenue is money kept: confirmed orders only (declined, cancelled and expired ones kept nothing).
  if (fact.status === 'CONFIRMED') tally.revenueCents += fact.totalCents;
}

/** The day's totals and per-hour figures, each order counted once at its latest status. */
export function buildSalesReport(date: string, facts: ActivityFact[]): SalesReport {
  const totals = emptyTally();
  const hours = new Map<string, Tally>();
  for (const fact of facts) {
    count(totals, fact);
    if (!hours.has(fact.hour)) hours.set(fact.hour, emptyTally());
    count(hours.get(fact.hour)!, fact);
  }
  return {
    date,
    totals,
    hours: [...hours.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([hour, tally]) => ({ hour, ...tally })),
  };
}

/** The UTC day and hour an ISO timestamp falls in. */
export function utcDayAndHour(iso: string): { date: string; hour: string } {
  return { date: iso.slice(0, 10), hour: iso.slice(11, 13) };
}

export const isIsoDate = (text: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
