import { currentStatus, errorMessage, statusChange } from '../../../../lib/push/status-message';

const orderItem = (status: string, history: { status: string; at: string }[]) => ({
  pk: 'ORDER#o-1',
  sk: 'ORDER',
  orderId: 'o-1',
  customerId: 'c-1',
  status,
  history,
});
const PENDING = orderItem('PENDING', [{ status: 'PENDING', at: '2026-11-22T10:00:00.000Z' }]);
const PAID = orderItem('PAID', [...PENDING.history, { status: 'PAID', at: '2026-11-22T10:00:01.000Z' }]);
const SHIPMENT = { pk: 'ORDER#o-1', sk: 'FULFILMENT', status: 'SHIPPED', carrier: 'SIM', trackingId: 'T-1', at: '2026-11-22T10:00:03.000Z' };

describe('statusChange', () => {
  it('pushes a new order as PENDING, at its creation', () => {
    expect(statusChange({ eventName: 'INSERT', newImage: PENDING })).toEqual({ orderId: 'o-1', status: 'PENDING', at: '2026-11-22T10:00:00.000Z' });
  });

  it('pushes a status change with the time of its history entry', () => {
    expect(statusChange({ eventName: 'MODIFY', newImage: PAID, oldImage: PENDING })).toEqual({
      orderId: 'o-1',
      status: 'PAID',
      at: '2026-11-22T10:00:01.000Z',
    });
  });

  it('pushes the shipment of a fulfilled order as SHIPPED', () => {
    expect(statusChange({ eventName: 'INSERT', newImage: SHIPMENT })).toEqual({ orderId: 'o-1', status: 'SHIPPED', at: '2026-11-22T10:00:03.000Z' });
  });

  it('pushes nothing for a write that left the status as it was, a removal, or another item', () => {
    expect(statusChange({ eventName: 'MODIFY', newImage: { ...PAID, gsi1pk: 'PAID' }, oldImage: PAID })).toBeUndefined();
    expect(statusChange({ eventName: 'REMOVE', oldImage: PAID })).toBeUndefined();
    expect(statusChange({ eventName: 'INSERT', newImage: { pk: 'ORDER#o-1', sk: 'PAYMENT', status: 'CHARGED' } })).toBeUndefined();
    expect(statusChange({ eventName: 'MODIFY', newImage: SHIPMENT, oldImage: SHIPMENT })).toBeUndefined();
  });

  it('fails on an order item it cannot read, naming it (the record is retried, then goes to the failures queue)', () => {
    expect(() => statusChange({ eventName: 'INSERT', newImage: { pk: 'ORDER#o-2', sk: 'ORDER', status: 'PENDING' } })).toThrow('ORDER#o-2');
    expect(() => statusChange({ eventName: 'INSERT', newImage: { ...SHIPMENT, at: undefined } })).toThrow('Fulfilment item ORDER#o-1');
  });
});

describe('currentStatus', () => {
  it('is the order status, or SHIPPED once the fulfilment item exists', () => {
    expect(currentStatus(PAID)).toEqual({ orderId: 'o-1', status: 'PAID', at: '2026-11-22T10:00:01.000Z' });
    expect(currentStatus(PAID, SHIPMENT)).toEqual({ orderId: 'o-1', status: 'SHIPPED', at: '2026-11-22T10:00:03.000Z' });
  });
});

describe('errorMessage', () => {
  it('has the shape of the HTTP API errors', () => {
    expect(errorMessage('NOT_FOUND', 'Order x was not found.')).toEqual({ error: { code: 'NOT_FOUND', message: 'Order x was not found.' } });
    expect(errorMessage('VALIDATION_FAILED', 'bad', [{ field: 'orderId' }])).toEqual({
      error: { code: 'VALIDATION_FAILED', message: 'bad', details: [{ field: 'orderId' }] },
    });
  });
});
