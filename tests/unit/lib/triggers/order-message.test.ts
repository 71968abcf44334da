import { MalformedMessageError, parseOrderMessage } from '../../../../lib/triggers/order-message';

function malformation(body: string | undefined): string {
  try {
    parseOrderMessage(body);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedMessageError);
    return (error as Error).message;
  }
  throw new Error('parseOrderMessage accepted the message');
}

describe('parseOrderMessage', () => {
  it('reads the event type, order and correlation id of an order event, and nothing else', () => {
    const body = JSON.stringify({
      eventType: 'OrderPlaced',
      orderId: '3f1c9a52-7e4b-4c8d-a1f6-0b2d4e6f8a10',
      customerId: '8d2f4b1e-6c3a-4f7d-9b2e-1a5c3e7f9d01',
      status: 'PENDING',
      correlationId: 'b7e4c2a9-5d3f-4e1b-8a6c-2f9d0e1b3c40',
    });

    expect(parseOrderMessage(body)).toEqual({
      eventType: 'OrderPlaced',
      orderId: '3f1c9a52-7e4b-4c8d-a1f6-0b2d4e6f8a10',
      correlationId: 'b7e4c2a9-5d3f-4e1b-8a6c-2f9d0e1b3c40',
    });
  });

  it('needs no correlation id', () => {
    expect(parseOrderMessage('{"eventType":"OrderPaid","orderId":"o-1"}')).toEqual({ eventType: 'OrderPaid', orderId: 'o-1' });
  });

  it.each([undefined, '', 'OrderPlaced o-1', '{"orderId":'])('refuses a body that is not JSON (%p)', (body) => {
    expect(malformation(body)).toBe('Malformed order event: not JSON');
  });

  it.each([
    ['orderId', { eventType: 'OrderPlaced' }],
    ['orderId', { eventType: 'OrderPlaced', orderId: '' }],
    ['orderId', { eventType: 'OrderPlaced', orderId: 'x'.repeat(65) }],
    ['orderId', { eventType: 'OrderPlaced', orderId: 42 }],
    ['eventType', { orderId: 'o-1' }],
    ['eventType, orderId', {}],
    ['correlationId', { eventType: 'OrderPlaced', orderId: 'o-1', correlationId: 'c'.repeat(129) }],
  ])('names the bad fields (%s)', (fields, message) => {
    expect(malformation(JSON.stringify(message))).toBe(`Malformed order event: ${fields}`);
  });

  it.each(['null', '[]', '"OrderPlaced"'])('refuses JSON that is not an object (%s)', (body) => {
    expect(malformation(body)).toBe('Malformed order event: message');
  });
});
