import type { DynamoDBStreamEvent } from 'aws-lambda';
import { MalformedOrderChangeError, orderStatusChange, publishOrderEvents, type OrderTableChange } from '../../../../lib/orders/publish-order-events';
import { fixture, SAMPLE } from '../../../support/events';
import { recordingPublisher } from '../../../support/fakes';

// events/publishOrderEvents.json: the INSERT of an order (PENDING) and its MODIFY to PAID, as the stream delivers them.
const [inserted, modified] = fixture<DynamoDBStreamEvent>('publishOrderEvents').Records as OrderTableChange[];
const copy = (change: OrderTableChange): OrderTableChange => structuredClone(change);

describe('orderStatusChange', () => {
  it('reads an INSERT of an order item as the order placed, as the table holds it', () => {
    expect(orderStatusChange(inserted)).toEqual({
      orderId: SAMPLE.outboxOrderId,
      customerId: SAMPLE.customerId,
      status: 'PENDING',
      items: [
        { sku: 'SKU-1', quantity: 2, unitPriceCents: 2499 },
        { sku: 'SKU-3', quantity: 1, unitPriceCents: 599 },
      ],
      totalCents: 5597,
      currency: 'EUR',
      paymentToken: 'tok_visa',
      history: [{ status: 'PENDING', at: '2026-11-22T10:00:00.000Z' }],
      correlationId: SAMPLE.correlationId,
      createdAt: '2026-11-22T10:00:00.000Z',
      version: 1,
    });
  });

  it('reads a MODIFY that moves the version on as the order at its new status', () => {
    expect(orderStatusChange(modified)).toMatchObject({
      orderId: SAMPLE.outboxOrderId,
      status: 'PAID',
      version: 2,
      history: [{ status: 'PENDING' }, { status: 'PAID' }],
    });
  });

  it('ignores a MODIFY that changed no status (same version)', () => {
    const change = copy(modified);
    change.dynamodb!.OldImage = change.dynamodb!.NewImage;

    expect(orderStatusChange(change)).toBeUndefined();
  });

  it.each([
    ['another item of the table', (c: OrderTableChange) => (c.dynamodb!.Keys!.sk = { S: 'PAYMENT' })],
    ['a REMOVE', (c: OrderTableChange) => (c.eventName = 'REMOVE')],
  ])('ignores %s', (_name, change) => {
    const record = copy(inserted);
    change(record);

    expect(orderStatusChange(record)).toBeUndefined();
  });

  it('refuses a change without NewImage: the stream must carry the images', () => {
    const change = copy(modified);
    delete change.dynamodb!.NewImage;

    expect(() => orderStatusChange(change)).toThrow(new MalformedOrderChangeError('MODIFY without NewImage (the stream must carry NEW_AND_OLD_IMAGES)'));
  });

  it('refuses an order item that lacks what an event needs, naming it', () => {
    const change = copy(inserted);
    delete change.dynamodb!.NewImage!.correlationId;
    change.dynamodb!.NewImage!.history = { L: [] };

    expect(() => orderStatusChange(change)).toThrow(`Malformed order change: order item ORDER#${SAMPLE.outboxOrderId} lacks correlationId, history`);
  });
});

describe('publishOrderEvents', () => {
  it('publishes each status change once, in the order of the stream', async () => {
    const events = recordingPublisher();

    for (const change of [inserted, modified]) await publishOrderEvents({ events }, change);

    expect(events.published.map((order) => [order.orderId, order.status, order.version])).toEqual([
      [SAMPLE.outboxOrderId, 'PENDING', 1],
      [SAMPLE.outboxOrderId, 'PAID', 2],
    ]);
  });

  it('publishes nothing for a change that is not a status change', async () => {
    const events = recordingPublisher();
    const other = copy(inserted);
    other.dynamodb!.Keys!.sk = { S: 'NOTIFICATION#CONFIRMED' };

    await expect(publishOrderEvents({ events }, other)).resolves.toBeUndefined();
    expect(events.published).toEqual([]);
  });

  it('fails when publishing fails, so the record is retried', async () => {
    const events = {
      publish: async () => {
        throw new Error('SNS unavailable');
      },
    };

    await expect(publishOrderEvents({ events }, modified)).rejects.toThrow('SNS unavailable');
  });
});
