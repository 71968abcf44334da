import { MalformedActivityError, parseActivity } from '../../../../lib/reports/activity-record';

const record = {
  eventType: 'OrderConfirmed',
  orderId: '3f1c9a52-7e4b-4c8d-a1f6-0b2d4e6f8a10',
  customerId: '8d2f4b1e-6c3a-4f7d-9b2e-1a5c3e7f9d01',
  status: 'CONFIRMED',
  totalCents: 5597,
  currency: 'EUR',
  createdAt: '2026-11-22T10:00:00.000Z',
  at: '2026-11-22T10:00:02.500Z',
  version: 3,
  correlationId: 'b7e4c2a9-5d3f-4e1b-8a6c-2f9d0e1b3c40',
};

function malformation(data: string): string {
  try {
    parseActivity(data);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedActivityError);
    return (error as Error).message;
  }
  throw new Error('parseActivity accepted the record');
}

describe('parseActivity', () => {
  it('turns an order event into the fact for the day and hour the order was placed', () => {
    expect(parseActivity(JSON.stringify(record))).toEqual({
      date: '2026-11-22',
      fact: { orderId: record.orderId, hour: '10', status: 'CONFIRMED', totalCents: 5597, version: 3 },
      correlationId: record.correlationId,
    });
  });

  it('files a late status change under the hour of placement, not of the change', () => {
    const parsed = parseActivity(JSON.stringify({ ...record, createdAt: '2026-11-22T23:59:59.000Z', at: '2026-11-23T00:00:05.000Z' }));

    expect(parsed).toMatchObject({ date: '2026-11-22', fact: { hour: '23' } });
  });

  it('needs no correlation id', () => {
    const { correlationId: _omitted, ...rest } = record;

    expect(parseActivity(JSON.stringify(rest)).correlationId).toBeUndefined();
  });

  it.each(['', 'not json', '{"orderId":', '\u00ff\u00fe\u0000'])('refuses data that is not JSON (%p)', (data) => {
    expect(malformation(data)).toBe('Malformed activity record: not JSON');
  });

  it.each([
    ['orderId', { orderId: undefined }],
    ['orderId', { orderId: '' }],
    ['status', { status: 'SHIPPED' }],
    ['totalCents', { totalCents: -1 }],
    ['totalCents', { totalCents: 1.5 }],
    ['totalCents', { totalCents: '5597' }],
    ['createdAt', { createdAt: 'yesterday' }],
    ['createdAt', { createdAt: '2026-11-22' }],
    // An offset would put the order under the wrong UTC day and hour: only Z times are taken.
    ['createdAt', { createdAt: '2026-11-22T01:30:00+02:00' }],
    ['version', { version: 0 }],
  ])('names the bad field %s', (field, change) => {
    expect(malformation(JSON.stringify({ ...record, ...change }))).toBe(`Malformed activity record: ${field}`);
  });

  it.each(['null', '[]', '42', '"text"'])('refuses JSON that is not an object (%s)', (data) => {
    expect(malformation(data)).toBe('Malformed activity record: record');
  });
});
