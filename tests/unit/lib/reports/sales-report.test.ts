import { buildSalesReport, isIsoDate, utcDayAndHour, type ActivityFact } from '../../../../lib/reports/sales-report';

const fact = (orderId: string, hour: string, status: ActivityFact['status'], totalCents: number, version = 1): ActivityFact => ({
  orderId,
  hour,
  status,
  totalCents,
  version,
});

describe('buildSalesReport', () => {
  it('is all zeros for a day without activity', () => {
    expect(buildSalesReport('2026-11-22', [])).toEqual({
      date: '2026-11-22',
      totals: { orders: 0, revenueCents: 0, byStatus: {} },
      hours: [],
    });
  });

  it('counts every order once, by status, and counts revenue of confirmed orders only', () => {
    const report = buildSalesReport('2026-11-22', [
      fact('o1', '10', 'CONFIRMED', 5597, 3),
      fact('o2', '10', 'CONFIRMED', 2499, 3),
      fact('o3', '10', 'PAYMENT_FAILED', 3450, 2),
      fact('o4', '10', 'CANCELLED', 8900, 3),
      fact('o5', '10', 'EXPIRED', 599, 2),
      fact('o6', '10', 'PENDING', 12900, 1),
      fact('o7', '10', 'PAID', 2499, 2),
    ]);

    expect(report.totals).toEqual({
      orders: 7,
      revenueCents: 5597 + 2499,
      byStatus: { CONFIRMED: 2, PAYMENT_FAILED: 1, CANCELLED: 1, EXPIRED: 1, PENDING: 1, PAID: 1 },
    });
  });

  it('files orders under their hour, hours in ascending order', () => {
    const report = buildSalesReport('2026-11-22', [
      fact('o1', '23', 'CONFIRMED', 100),
      fact('o2', '00', 'CONFIRMED', 200),
      fact('o3', '09', 'EXPIRED', 300),
      fact('o4', '00', 'PENDING', 400),
    ]);

    expect(report.hours).toEqual([
      { hour: '00', orders: 2, revenueCents: 200, byStatus: { CONFIRMED: 1, PENDING: 1 } },
      { hour: '09', orders: 1, revenueCents: 0, byStatus: { EXPIRED: 1 } },
      { hour: '23', orders: 1, revenueCents: 100, byStatus: { CONFIRMED: 1 } },
    ]);
  });

  it('makes the hours add up to the totals', () => {
    const facts = Array.from({ length: 48 }, (_, i) => fact(`o${i}`, String(i % 24).padStart(2, '0'), i % 3 === 0 ? 'CONFIRMED' : 'CANCELLED', 100 + i));

    const report = buildSalesReport('2026-11-22', facts);

    expect(report.hours).toHaveLength(24);
    expect(report.hours.reduce((sum, hour) => sum + hour.orders, 0)).toBe(report.totals.orders);
    expect(report.hours.reduce((sum, hour) => sum + hour.revenueCents, 0)).toBe(report.totals.revenueCents);
  });
});

describe('isIsoDate', () => {
  it.each(['2026-11-22', '2026-01-01', '2024-02-29', '2026-12-31'])('accepts %s', (text) => {
    expect(isIsoDate(text)).toBe(true);
  });

  it.each([
    '2026-02-29',
    '2026-02-30',
    '2026-13-01',
    '2026-00-10',
    '2026-11-31',
    '2026-11-22T00:00:00Z',
    '2026-1-2',
    '22-11-2026',
    '2026/11/22',
    ' 2026-11-22',
    'yesterday',
    '',
  ])('refuses %p', (text) => {
    expect(isIsoDate(text)).toBe(false);
  });
});

describe('utcDayAndHour', () => {
  it.each([
    ['2026-11-22T10:00:00.000Z', '2026-11-22', '10'],
    ['2026-11-22T00:00:00.000Z', '2026-11-22', '00'],
    ['2026-11-22T23:59:59.999Z', '2026-11-22', '23'],
    ['2026-12-31T23:30:00Z', '2026-12-31', '23'],
  ])('files %s under %s hour %s', (iso, date, hour) => {
    expect(utcDayAndHour(iso)).toEqual({ date, hour });
  });
});
