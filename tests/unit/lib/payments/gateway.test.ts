import { decideCharge } from '../../../../lib/payments/gateway';

describe('decideCharge', () => {
  it.each([1, 2, 10])('approves tok_visa on attempt %d', (attempt) => {
    expect(decideCharge('tok_visa', attempt)).toBe('APPROVED');
  });

  it.each([1, 2, 10])('declines tok_declined on attempt %d, for good', (attempt) => {
    expect(decideCharge('tok_declined', attempt)).toBe('DECLINED');
  });

  it('fails tok_flaky_2 transiently on its first two attempts, then approves', () => {
    expect([1, 2, 3, 4].map((attempt) => decideCharge('tok_flaky_2', attempt))).toEqual(['TRY_AGAIN', 'TRY_AGAIN', 'APPROVED', 'APPROVED']);
  });

  it('approves tok_flaky_0 at once', () => {
    expect(decideCharge('tok_flaky_0', 1)).toBe('APPROVED');
  });

  it('counts tok_flaky_<n> with more than one digit', () => {
    expect(decideCharge('tok_flaky_12', 12)).toBe('TRY_AGAIN');
    expect(decideCharge('tok_flaky_12', 13)).toBe('APPROVED');
  });

  it.each(['tok_amex', '', 'tok_flaky_x', 'TOK_VISA'])('declines an unknown token %p', (token) => {
    expect(decideCharge(token, 1)).toBe('DECLINED');
  });
});
