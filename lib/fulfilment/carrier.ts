import { createHash } from 'node:crypto';
import type { OrderItem } from '../orders/order';

/**
 * The simulated carrier, deterministic from the order so that a retried booking gets the same parcel:
 * the carrier and tracking id come from a hash of the order id. Two products of the sample catalog
 * exercise the failure paths, the way payment tokens do for the card gateway (README):
 * SKU-FRAGILE: the carrier is busy on the first FRAGILE_BUSY_REQUESTS requests for the order, then books (a transient failure);
 * SKU-HAZMAT: no carrier takes the parcel (a permanent failure).
 */
export const CARRIERS = ['DHL', 'UPS', 'DPD', 'GLS'] as const;
export type Carrier = (typeof CARRIERS)[number];

export const FRAGILE_SKU = 'SKU-FRAGILE';
export const HAZMAT_SKU = 'SKU-HAZMAT';
export const FRAGILE_BUSY_REQUESTS = 2;

export type Booking = { carrier: Carrier; trackingId: string };

export type BookingDecision =
  | ({ outcome: 'BOOKED' } & Booking)
  /** Try again later: the same request will succeed once the carrier has capacity. */
  | { outcome: 'BUSY' }
  /** Never: no retry changes the answer. */
  | { outcome: 'REFUSED'; reason: string };

/** The carrier and tracking id of an order's parcel: the same for the same order, every time. */
export function parcelFor(orderId: string): Booking {
  const digest = createHash('sha256').update(orderId).digest();
  const carrier = CARRIERS[digest[0] % CARRIERS.length];
  // 12 decimal digits from the hash, after the carrier's prefix (e.g. DHL-004817263951).
  const digits = (digest.readBigUInt64BE(1) % 1_000_000_000_000n).toString().padStart(12, '0');
  return { carrier, trackingId: `${carrier}-${digits}` };
}

/** Which parcels need the carrier's special handling, as the order's items say. */
export const needsBookingRequestCount = (items: OrderItem[]): boolean => items.some((item) => item.sku === FRAGILE_SKU);

/**
 * The carrier's answer to the `request`-th booking request (from 1) for an order's parcel. `request`
 * matters only for parcels of which needsBookingRequestCount is true.
 */
export function decideBooking(order: { orderId: string; items: OrderItem[] }, request: number): BookingDecision {
  if (order.items.some((item) => item.sku === HAZMAT_SKU)) return { outcome: 'REFUSED', reason: `no carrier takes ${HAZMAT_SKU} (hazardous goods)` };
  if (needsBookingRequestCount(order.items) && request <= FRAGILE_BUSY_REQUESTS) return { outcome: 'BUSY' };
  return { outcome: 'BOOKED', ...parcelFor(order.orderId) };
}
