export type ChargeDecision = 'APPROVED' | 'DECLINED' | 'TRY_AGAIN';

/**
 * The simulated card gateway, deterministic by token: tok_visa approves, tok_declined declines for
 * good, tok_flaky_<n> fails transiently on its first n attempts and then approves.
 */
export function decideCharge(paymentToken: string, attempt: number): ChargeDecision {
  if (paymentToken === 'tok_visa') return 'APPROVED';
  const flaky = /^tok_flaky_(\d+)$/.exec(paymentToken);
  if (flaky) return attempt <= Number(flaky[1]) ? 'TRY_AGAIN' : 'APPROVED';
  return 'DECLINED';
}
