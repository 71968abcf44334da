import { matchesFilterPolicy, type SnsAttributes } from '../../../../offline/cloud/patterns/filter-policy';

const str = (value: string) => ({ DataType: 'String', StringValue: value });
const num = (value: number | string) => ({ DataType: 'Number', StringValue: String(value) });
const strings = (values: unknown[]) => ({ DataType: 'String.Array', StringValue: JSON.stringify(values) });

describe('matchesFilterPolicy', () => {
  it('lets every message through when the subscription has no policy', () => {
    expect(matchesFilterPolicy(undefined, {})).toBe(true);
    expect(matchesFilterPolicy(undefined, { eventType: str('OrderPlaced') })).toBe(true);
  });

  describe('exact strings', () => {
    const policy = { eventType: ['OrderPlaced'] };

    it('matches the exact value', () => {
      expect(matchesFilterPolicy(policy, { eventType: str('OrderPlaced') })).toBe(true);
    });

    it('does not match another value, a different case or a longer string', () => {
      expect(matchesFilterPolicy(policy, { eventType: str('OrderPaid') })).toBe(false);
      expect(matchesFilterPolicy(policy, { eventType: str('orderplaced') })).toBe(false);
      expect(matchesFilterPolicy(policy, { eventType: str('OrderPlacedAgain') })).toBe(false);
    });

    it('matches when the message has the attribute among others', () => {
      expect(matchesFilterPolicy(policy, { source: str('api'), eventType: str('OrderPlaced') })).toBe(true);
    });
  });

  describe('lists', () => {
    const policy = { eventType: ['OrderConfirmed', 'OrderPaymentFailed', 'OrderCancelled', 'OrderExpired'] };

    it('matches any value of the list', () => {
      for (const value of policy.eventType) expect(matchesFilterPolicy(policy, { eventType: str(value) })).toBe(true);
    });

    it('does not match a value outside the list', () => {
      expect(matchesFilterPolicy(policy, { eventType: str('OrderPaid') })).toBe(false);
    });

    it('mixes exact values and operators within one key (any condition may match)', () => {
      const mixed = { eventType: ['OrderPaid', { prefix: 'Import' }] };

      expect(matchesFilterPolicy(mixed, { eventType: str('OrderPaid') })).toBe(true);
      expect(matchesFilterPolicy(mixed, { eventType: str('ImportCompleted') })).toBe(true);
      expect(matchesFilterPolicy(mixed, { eventType: str('OrderPlaced') })).toBe(false);
    });
  });

  it('matches on prefix', () => {
    const policy = { eventType: [{ prefix: 'Order' }] };

    expect(matchesFilterPolicy(policy, { eventType: str('OrderPlaced') })).toBe(true);
    expect(matchesFilterPolicy(policy, { eventType: str('ImportOrder') })).toBe(false);
  });

  it('matches on suffix', () => {
    const policy = { eventType: [{ suffix: 'Failed' }] };

    expect(matchesFilterPolicy(policy, { eventType: str('OrderPaymentFailed') })).toBe(true);
    expect(matchesFilterPolicy(policy, { eventType: str('FailedOrder') })).toBe(false);
  });

  describe('anything-but', () => {
    it('matches every value but the excluded ones', () => {
      const policy = { eventType: [{ 'anything-but': ['OrderPlaced', 'OrderPaid'] }] };

      expect(matchesFilterPolicy(policy, { eventType: str('OrderCancelled') })).toBe(true);
      expect(matchesFilterPolicy(policy, { eventType: str('OrderPlaced') })).toBe(false);
      expect(matchesFilterPolicy(policy, { eventType: str('OrderPaid') })).toBe(false);
    });

    it('takes a single excluded value as well as a list', () => {
      const policy = { eventType: [{ 'anything-but': 'OrderPlaced' }] };

      expect(matchesFilterPolicy(policy, { eventType: str('OrderPaid') })).toBe(true);
      expect(matchesFilterPolicy(policy, { eventType: str('OrderPlaced') })).toBe(false);
    });

    it('excludes numbers from a Number attribute', () => {
      const policy = { retries: [{ 'anything-but': [0] }] };

      expect(matchesFilterPolicy(policy, { retries: num(0) })).toBe(false);
      expect(matchesFilterPolicy(policy, { retries: num(3) })).toBe(true);
    });

    it('does not match a message without the attribute', () => {
      expect(matchesFilterPolicy({ eventType: [{ 'anything-but': ['OrderPlaced'] }] }, {})).toBe(false);
    });
  });

  describe('exists', () => {
    it('exists: true matches when the attribute is there, whatever its value', () => {
      const policy = { correlationId: [{ exists: true }] };

      expect(matchesFilterPolicy(policy, { correlationId: str('c-1') })).toBe(true);
      expect(matchesFilterPolicy(policy, { correlationId: str('') })).toBe(true);
      expect(matchesFilterPolicy(policy, { other: str('x') })).toBe(false);
    });

    it('exists: false matches only when the attribute is missing', () => {
      const policy = { correlationId: [{ exists: false }] };

      expect(matchesFilterPolicy(policy, {})).toBe(true);
      expect(matchesFilterPolicy(policy, { correlationId: str('c-1') })).toBe(false);
    });
  });

  describe('numeric ranges', () => {
    const policy = { amountCents: [{ numeric: ['>=', 100, '<', 5000] }] };

    it('matches a Number attribute inside the range, bounds as written', () => {
      expect(matchesFilterPolicy(policy, { amountCents: num(100) })).toBe(true);
      expect(matchesFilterPolicy(policy, { amountCents: num(4999.5) })).toBe(true);
    });

    it('does not match outside the range', () => {
      expect(matchesFilterPolicy(policy, { amountCents: num(99) })).toBe(false);
      expect(matchesFilterPolicy(policy, { amountCents: num(5000) })).toBe(false);
    });

    it('supports every comparison operator', () => {
      const value = { n: num(10) };

      expect(matchesFilterPolicy({ n: [{ numeric: ['=', 10] }] }, value)).toBe(true);
      expect(matchesFilterPolicy({ n: [{ numeric: ['=', 11] }] }, value)).toBe(false);
      expect(matchesFilterPolicy({ n: [{ numeric: ['>', 9] }] }, value)).toBe(true);
      expect(matchesFilterPolicy({ n: [{ numeric: ['>', 10] }] }, value)).toBe(false);
      expect(matchesFilterPolicy({ n: [{ numeric: ['<=', 10] }] }, value)).toBe(true);
      expect(matchesFilterPolicy({ n: [{ numeric: ['<', 10] }] }, value)).toBe(false);
    });

    it('compares numerically, not as text', () => {
      expect(matchesFilterPolicy({ n: [{ numeric: ['>', 9] }] }, { n: num('10.0') })).toBe(true);
      expect(matchesFilterPolicy({ n: [{ numeric: ['<', 9] }] }, { n: num('10') })).toBe(false);
    });

    it('does not apply to a String attribute that looks like a number', () => {
      expect(matchesFilterPolicy(policy, { amountCents: str('150') })).toBe(false);
    });
  });

  describe('attribute types', () => {
    it('matches an exact number against a Number attribute whatever its notation', () => {
      const policy = { quantity: [3] };

      expect(matchesFilterPolicy(policy, { quantity: num('3') })).toBe(true);
      expect(matchesFilterPolicy(policy, { quantity: num('3.0') })).toBe(true);
      expect(matchesFilterPolicy(policy, { quantity: num('4') })).toBe(false);
    });

    it('matches a String.Array attribute when any element matches', () => {
      const policy = { tags: ['priority'] };

      expect(matchesFilterPolicy(policy, { tags: strings(['gift', 'priority']) })).toBe(true);
      expect(matchesFilterPolicy(policy, { tags: strings(['gift']) })).toBe(false);
    });

    it('applies a prefix condition to the elements of a String.Array', () => {
      expect(matchesFilterPolicy({ tags: [{ prefix: 'prio' }] }, { tags: strings(['gift', 'priority']) })).toBe(true);
      expect(matchesFilterPolicy({ tags: [{ prefix: 'prio' }] }, { tags: strings(['gift', 'express']) })).toBe(false);
    });
  });

  describe('missing attributes', () => {
    it('a policy key the message lacks fails the whole policy, for every kind of condition', () => {
      const conditions = ['OrderPlaced', 3, { prefix: 'O' }, { suffix: 'd' }, { numeric: ['>', 0] }, { exists: true }];
      for (const condition of conditions) expect(matchesFilterPolicy({ eventType: [condition] }, { other: str('OrderPlaced') })).toBe(false);
    });
  });

  describe('several keys', () => {
    const policy = { eventType: ['OrderPaid'], amountCents: [{ numeric: ['>', 1000] }], channel: [{ exists: false }] };
    const matching: SnsAttributes = { eventType: str('OrderPaid'), amountCents: num(2500) };

    it('matches when every key matches', () => {
      expect(matchesFilterPolicy(policy, matching)).toBe(true);
    });

    it('fails when any one key fails (keys are ANDed)', () => {
      expect(matchesFilterPolicy(policy, { ...matching, eventType: str('OrderPlaced') })).toBe(false);
      expect(matchesFilterPolicy(policy, { ...matching, amountCents: num(999) })).toBe(false);
      expect(matchesFilterPolicy(policy, { ...matching, channel: str('web') })).toBe(false);
    });
  });
});
