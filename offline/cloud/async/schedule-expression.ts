/**
 * EventBridge schedule expressions: `rate(5 minutes)` and `cron(min hour day-of-month month
 * day-of-week year)`, in UTC. Supports *, ?, lists, ranges and steps (not L, W or #).
 */
export type Schedule = { kind: 'rate'; everyMs: number } | { kind: 'cron'; fields: number[][] };

const UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
// minute, hour, day of month, month, day of week (1 = Sunday, as EventBridge counts), year
const RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [1, 7],
  [1970, 2199],
];

export function parseSchedule(expression: string): Schedule {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) return { kind: 'rate', everyMs: Number(rate[1]) * UNITS[rate[2].replace(/s$/, '')] };
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (!cron) throw new Error(`Not a schedule expression: ${expression}`);
  const parts = cron[1].trim().split(/\s+/);
  if (parts.length !== 6) throw new Error(`A cron expression has 6 fields: ${expression}`);
  return { kind: 'cron', fields: parts.map((part, i) => expand(part, i, expression)) };
}

function expand(field: string, index: number, expression: string): number[] {
  const [low, high] = RANGES[index];
  if (field === '*' || field === '?') return range(low, high, 1);
  const values = new Set<number>();
  for (const piece of field.split(',')) {
    const [span, stepText] = piece.split('/');
    const step = stepText ? Number(stepText) : 1;
    const [from, to] = span === '*' ? [low, high] : span.split('-').map((v) => value(v, index, expression));
    for (const v of range(from, to ?? (stepText ? high : from), step)) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

function value(text: string, index: number, expression: string): number {
  const upper = text.toUpperCase();
  if (index === 4 && DAY_NAMES.includes(upper)) return DAY_NAMES.indexOf(upper) + 1;
  if (index === 3 && MONTH_NAMES.includes(upper)) return MONTH_NAMES.indexOf(upper) + 1;
  const n = Number(text);
  if (!Number.isInteger(n)) throw new Error(`Unsupported cron field "${text}" in ${expression}`);
  return n;
}

const range = (from: number, to: number, step: number) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

/** The first firing strictly after `after`. */
export function nextFiring(schedule: Schedule, after: Date, startedAt: Date): Date {
  if (schedule.kind === 'rate') {
    const elapsed = after.getTime() - startedAt.getTime();
    return new Date(startedAt.getTime() + (Math.floor(elapsed / schedule.everyMs) + 1) * schedule.everyMs);
  }
  const [minutes, hours, days, months, weekdays, years] = schedule.fields;
  const t = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
  for (let i = 0; i < 366 * 24 * 60 * 5; i++, t.setTime(t.getTime() + 60_000)) {
    if (
      minutes.includes(t.getUTCMinutes()) &&
      hours.includes(t.getUTCHours()) &&
      days.includes(t.getUTCDate()) &&
      months.includes(t.getUTCMonth() + 1) &&
      weekdays.includes(t.getUTCDay() + 1) &&
      years.includes(t.getUTCFullYear())
    ) {
      return new Date(t);
    }
  }
  throw new Error('The cron expression never fires in the next five years');
}
