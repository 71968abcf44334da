import { advanceClock, fireSchedule } from '../support/local-clock';
import { call, eventually, tokenFor } from './support/api';
import { E2E_PORTS } from './support/ports';

const CONSOLE = `http://127.0.0.1:${E2E_PORTS.console}`;
// serverless.yml's params.local.pendingOrderTtlSeconds.
const PENDING_TTL_SECONDS = 60;

describe('time under control', () => {
  it('expires a PENDING order in well under a second: the clock passes its deadline, then the sweep runs now', async () => {
    const token = await tokenFor('clock-customer');
    // A payment that keeps failing: the order stays PENDING (its message goes round the queue meanwhile).
    const placed = await call('POST', '/orders', { token, body: { items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_flaky_99' } });
    expect(placed.status).toBe(202);
    const { orderId } = placed.body as { orderId: string };

    const { offsetSeconds } = await advanceClock(CONSOLE, PENDING_TTL_SECONDS + 60);
    const firedAt = Date.now();
    await fireSchedule(CONSOLE, 'expireStaleOrders');
    const order = await eventually(
      async () => {
        const { body } = await call('GET', `/orders/${orderId}`, { token });
        return body.status === 'EXPIRED' ? body : undefined;
      },
      `order ${orderId} to expire`,
      5000,
      20,
    );

    expect(Date.now() - firedAt).toBeLessThan(1000);
    expect(offsetSeconds).toBeGreaterThanOrEqual(PENDING_TTL_SECONDS + 60);
    // The handler wrote the time it read through its clock: the advanced one.
    const expiredAt = Date.parse(order.history.find((h: { status: string }) => h.status === 'EXPIRED').at);
    expect(expiredAt - Date.now()).toBeGreaterThan((PENDING_TTL_SECONDS + 60 - 5) * 1000);
  });
});
