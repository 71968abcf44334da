import { CARRIERS, decideBooking, FRAGILE_BUSY_REQUESTS, parcelFor } from '../../../../lib/fulfilment/carrier';

const item = (sku: string) => ({ sku, quantity: 1, unitPriceCents: 100 });

describe('parcelFor', () => {
  it('gives an order the same carrier and tracking id every time', () => {
    expect(parcelFor('7c9e3f82-ad5b-4a4c-9f7e-2b3d4c5e6f30')).toEqual({ carrier: 'DHL', trackingId: 'DHL-140994130121' });
    expect(parcelFor('7c9e3f82-ad5b-4a4c-9f7e-2b3d4c5e6f30')).toEqual(parcelFor('7c9e3f82-ad5b-4a4c-9f7e-2b3d4c5e6f30'));
  });

  it('spreads orders over every carrier, with distinct tracking ids of the carrier prefix and 12 digits', () => {
    const parcels = Array.from({ length: 200 }, (_, i) => parcelFor(`order-${i}`));

    expect(new Set(parcels.map((p) => p.carrier))).toEqual(new Set(CARRIERS));
    expect(new Set(parcels.map((p) => p.trackingId)).size).toBe(200);
    for (const { carrier, trackingId } of parcels) expect(trackingId).toMatch(new RegExp(`^${carrier}-\\d{12}$`));
  });
});

describe('decideBooking', () => {
  it('books an ordinary parcel on the first request', () => {
    expect(decideBooking({ orderId: 'o-1', items: [item('SKU-1')] }, 1)).toEqual({ outcome: 'BOOKED', ...parcelFor('o-1') });
  });

  it(`is busy for SKU-FRAGILE on the first ${FRAGILE_BUSY_REQUESTS} requests, then books`, () => {
    const order = { orderId: 'o-2', items: [item('SKU-1'), item('SKU-FRAGILE')] };

    expect([1, 2, 3, 4].map((request) => decideBooking(order, request).outcome)).toEqual(['BUSY', 'BUSY', 'BOOKED', 'BOOKED']);
    expect(decideBooking(order, 3)).toEqual({ outcome: 'BOOKED', ...parcelFor('o-2') });
  });

  it.each([1, 2, 10])('refuses SKU-HAZMAT on request %d, for good', (request) => {
    expect(decideBooking({ orderId: 'o-3', items: [item('SKU-HAZMAT'), item('SKU-FRAGILE')] }, request)).toEqual({
      outcome: 'REFUSED',
      reason: 'no carrier takes SKU-HAZMAT (hazardous goods)',
    });
  });
});
