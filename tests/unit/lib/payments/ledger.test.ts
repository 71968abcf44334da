import type { PaymentLedger } from '../../../../lib/payments/ledger';
import { startDynalite, type TestTable } from '../../../support/dynalite';

let table: TestTable;
let ledger: PaymentLedger;

beforeAll(async () => {
  table = await startDynalite();
  const { paymentLedger } = await import('../../../../lib/payments/ledger');
  ledger = paymentLedger(table.tableName);
});
afterAll(() => table.close());

describe('paymentLedger', () => {
  it('reads an order without a ledger as no payment', async () => {
    await expect(ledger.get('ledger-none')).resolves.toEqual({ status: 'NONE', attempts: 0, charges: 0 });
  });

  it('counts attempts on an unsettled ledger', async () => {
    const attempts = [];
    for (let i = 0; i < 3; i += 1) attempts.push(await ledger.beginAttempt('ledger-attempts'));

    expect(attempts).toEqual([
      { status: 'NONE', attempts: 1, charges: 0 },
      { status: 'NONE', attempts: 2, charges: 0 },
      { status: 'NONE', attempts: 3, charges: 0 },
    ]);
  });

  it('captures once and records the charge', async () => {
    await ledger.beginAttempt('ledger-capture');

    const payment = await ledger.write(ledger.captureWrite('ledger-capture', 'charge-1'));

    expect(payment).toEqual({ status: 'CHARGED', attempts: 1, charges: 1, chargeId: 'charge-1' });
    await expect(ledger.get('ledger-capture')).resolves.toEqual(payment);
  });

  it('keeps the first capture when a redelivery captures again', async () => {
    await ledger.beginAttempt('ledger-repeat');
    await ledger.write(ledger.captureWrite('ledger-repeat', 'charge-first'));

    const again = [];
    for (let i = 0; i < 5; i += 1) again.push(await ledger.write(ledger.captureWrite('ledger-repeat', `charge-again-${i}`)));

    expect(again.every((payment) => payment.charges === 1 && payment.chargeId === 'charge-first')).toBe(true);
    await expect(ledger.get('ledger-repeat')).resolves.toMatchObject({ status: 'CHARGED', charges: 1, chargeId: 'charge-first' });
  });

  it('captures at most once under concurrent attempts', async () => {
    await Promise.all(Array.from({ length: 10 }, () => ledger.beginAttempt('ledger-race')));

    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => ledger.write(ledger.captureWrite('ledger-race', `charge-${i}`))));

    const stored = await ledger.get('ledger-race');
    expect(stored).toMatchObject({ status: 'CHARGED', attempts: 10, charges: 1 });
    expect(results.every((payment) => payment.charges === 1 && payment.chargeId === stored.chargeId)).toBe(true);
  });

  it('returns a settled ledger as it is instead of counting another attempt', async () => {
    await ledger.beginAttempt('ledger-settled');
    await ledger.write(ledger.captureWrite('ledger-settled', 'charge-1'));

    await expect(ledger.beginAttempt('ledger-settled')).resolves.toEqual({ status: 'CHARGED', attempts: 1, charges: 1, chargeId: 'charge-1' });
  });

  it('keeps a decline for good: no later attempt or capture changes it', async () => {
    await ledger.beginAttempt('ledger-declined');
    await expect(ledger.write(ledger.declineWrite('ledger-declined'))).resolves.toEqual({ status: 'DECLINED', attempts: 1, charges: 0 });

    const attempt = await ledger.beginAttempt('ledger-declined');
    const capture = await ledger.write(ledger.captureWrite('ledger-declined', 'charge-1'));

    expect(attempt).toEqual({ status: 'DECLINED', attempts: 1, charges: 0 });
    expect(capture).toEqual({ status: 'DECLINED', attempts: 1, charges: 0 });
  });

  it('does not decline a captured ledger', async () => {
    await ledger.beginAttempt('ledger-capture-then-decline');
    await ledger.write(ledger.captureWrite('ledger-capture-then-decline', 'charge-1'));

    await expect(ledger.write(ledger.declineWrite('ledger-capture-then-decline'))).resolves.toMatchObject({ status: 'CHARGED', charges: 1 });
  });

  it('refunds a capture once; refunding again changes nothing', async () => {
    await ledger.beginAttempt('ledger-refund');
    await ledger.write(ledger.captureWrite('ledger-refund', 'charge-1'));

    const first = await ledger.write(ledger.refundWrite('ledger-refund'));
    const second = await ledger.write(ledger.refundWrite('ledger-refund'));

    expect(first).toEqual({ status: 'REFUNDED', attempts: 1, charges: 1, chargeId: 'charge-1' });
    expect(second).toEqual(first);
  });

  it('refunds nothing where nothing was captured', async () => {
    await ledger.beginAttempt('ledger-refund-declined');
    await ledger.write(ledger.declineWrite('ledger-refund-declined'));

    await expect(ledger.write(ledger.refundWrite('ledger-refund-declined'))).resolves.toMatchObject({ status: 'DECLINED' });
    await expect(ledger.write(ledger.refundWrite('ledger-refund-nothing'))).resolves.toEqual({ status: 'NONE', attempts: 0, charges: 0 });
  });

  it('never captures a refunded ledger again', async () => {
    await ledger.beginAttempt('ledger-refund-capture');
    await ledger.write(ledger.captureWrite('ledger-refund-capture', 'charge-1'));
    await ledger.write(ledger.refundWrite('ledger-refund-capture'));

    await expect(ledger.write(ledger.captureWrite('ledger-refund-capture', 'charge-2'))).resolves.toMatchObject({
      status: 'REFUNDED',
      charges: 1,
      chargeId: 'charge-1',
    });
  });
});
