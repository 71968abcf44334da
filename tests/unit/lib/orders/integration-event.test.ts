import { INTEGRATION_SOURCE, toIntegrationEvent } from '../../../../lib/orders/integration-event';
import { transition } from '../../../../lib/orders/order';
import { SAMPLE } from '../../../support/events';
import { sampleOrder } from '../../../support/fakes';

describe('toIntegrationEvent', () => {
  it('names the status by its past-tense event and carries what consumers rely on, and no payment token', () => {
    const cancelled = transition(transition(sampleOrder(), 'PAID', new Date('2026-11-22T10:00:01.000Z')), 'CANCELLED', new Date('2026-11-22T10:00:02.000Z'));

    const event = toIntegrationEvent(cancelled);

    expect(event).toEqual({
      source: INTEGRATION_SOURCE,
      detailType: 'OrderCancelled',
      detail: {
        orderId: SAMPLE.orderId,
        customerId: SAMPLE.customerId,
        status: 'CANCELLED',
        totalCents: 5597,
        currency: 'EUR',
        at: '2026-11-22T10:00:02.000Z',
        correlationId: SAMPLE.correlationId,
        version: 3,
      },
    });
    expect(INTEGRATION_SOURCE).toBe('orderflow');
    expect(JSON.stringify(event)).not.toContain('tok_');
  });
});
