import { ValidationError } from '../../../../lib/errors';
import { parseOrderRequest } from '../../../../lib/orders/order-request';

/** The ValidationError parseOrderRequest throws for the input. */
function problemsOf(input: unknown): { field: string; message: string }[] {
  try {
    parseOrderRequest(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    return (error as ValidationError).details as { field: string; message: string }[];
  }
  throw new Error('parseOrderRequest accepted the input');
}

const item = (sku: string, quantity: unknown = 1) => ({ sku, quantity });

describe('parseOrderRequest', () => {
  it('accepts a well-formed request and returns it', () => {
    const request = { items: [item('SKU-1', 2), item('SKU-OOS', 1)], paymentToken: 'tok_visa' };

    expect(parseOrderRequest(request)).toEqual(request);
  });

  it.each(['tok_visa', 'tok_declined', 'tok_flaky_0', 'tok_flaky_2', 'tok_flaky_99'])('accepts the payment token %s', (paymentToken) => {
    expect(parseOrderRequest({ items: [item('SKU-1')], paymentToken }).paymentToken).toBe(paymentToken);
  });

  it.each([1, 1000])('accepts quantity %d', (quantity) => {
    expect(parseOrderRequest({ items: [item('SKU-1', quantity)], paymentToken: 'tok_visa' }).items[0].quantity).toBe(quantity);
  });

  it('names both missing fields', () => {
    expect(problemsOf({})).toEqual([
      { field: 'items', message: expect.any(String) },
      { field: 'paymentToken', message: expect.any(String) },
    ]);
  });

  it.each([null, [], 'order', 42, true])('refuses a body that is not an object (%p)', (body) => {
    expect(problemsOf(body)).toEqual([{ field: '(body)', message: expect.stringContaining('object') }]);
  });

  it('names each field of the wrong type', () => {
    const problems = problemsOf({ items: 'SKU-1', paymentToken: 4242 });

    expect(problems.map((problem) => problem.field)).toEqual(['items', 'paymentToken']);
  });

  it('names a missing sku and a missing quantity by their item', () => {
    const problems = problemsOf({ items: [{ quantity: 1 }, { sku: 'SKU-2' }], paymentToken: 'tok_visa' });

    expect(problems.map((problem) => problem.field)).toEqual(['items.0.sku', 'items.1.quantity']);
  });

  it('refuses a quantity sent as text', () => {
    expect(problemsOf({ items: [item('SKU-1', '2')], paymentToken: 'tok_visa' })).toEqual([
      { field: 'items.0.quantity', message: expect.stringContaining('number') },
    ]);
  });

  it.each([
    ['zero', 0],
    ['negative', -1],
    ['fractional', 1.5],
    ['above the maximum', 1001],
    ['huge', 1e21],
    ['not finite', Number.MAX_VALUE * 10],
  ])('refuses a %s quantity', (_label, quantity) => {
    const problems = problemsOf({ items: [item('SKU-1', quantity)], paymentToken: 'tok_visa' });

    expect(problems.length).toBeGreaterThan(0);
    expect(new Set(problems.map((problem) => problem.field))).toEqual(new Set(['items.0.quantity']));
  });

  it('says a huge quantity is too big', () => {
    expect(problemsOf({ items: [item('SKU-1', 1e21)], paymentToken: 'tok_visa' })).toContainEqual({
      field: 'items.0.quantity',
      message: expect.stringContaining('1000'),
    });
  });

  it('says a fractional quantity must be whole', () => {
    expect(problemsOf({ items: [item('SKU-1', 2.5)], paymentToken: 'tok_visa' })).toEqual([
      { field: 'items.0.quantity', message: 'must be a whole number' },
    ]);
  });

  it.each(['sku-1', 'SKU 1', '', '-SKU', 'SKU_1', `SKU-${'X'.repeat(40)}`])('refuses the SKU %p', (sku) => {
    expect(problemsOf({ items: [item(sku)], paymentToken: 'tok_visa' })).toEqual([
      { field: 'items.0.sku', message: 'must be a SKU such as "SKU-1"' },
    ]);
  });

  it.each(['tok_amex', 'visa', 'tok_visa ', 'TOK_VISA', 'tok_flaky_', 'tok_flaky_100', 'tok_flaky_-1', ''])('refuses the payment token %p', (paymentToken) => {
    expect(problemsOf({ items: [item('SKU-1')], paymentToken })).toEqual([
      { field: 'paymentToken', message: 'must be tok_visa, tok_declined or tok_flaky_<n>' },
    ]);
  });

  it('refuses an unknown top-level field and names it', () => {
    const problems = problemsOf({ items: [item('SKU-1')], paymentToken: 'tok_visa', coupon: 'FREE' });

    expect(problems).toHaveLength(1);
    expect(problems[0].message).toContain('coupon');
  });

  it('refuses an unknown field inside an item and says which item', () => {
    const problems = problemsOf({ items: [{ sku: 'SKU-1', quantity: 1, price: 1 }], paymentToken: 'tok_visa' });

    expect(problems).toEqual([{ field: 'items.0', message: expect.stringContaining('price') }]);
  });

  it('refuses an empty list of items', () => {
    expect(problemsOf({ items: [], paymentToken: 'tok_visa' })).toEqual([{ field: 'items', message: 'must hold at least one item' }]);
  });

  it('refuses the same SKU twice', () => {
    expect(problemsOf({ items: [item('SKU-1'), item('SKU-2'), item('SKU-1')], paymentToken: 'tok_visa' })).toEqual([
      { field: 'items', message: 'must name each SKU once' },
    ]);
  });

  it('accepts 50 items and refuses 51', () => {
    const items = (count: number) => Array.from({ length: count }, (_, i) => item(`SKU-${i + 1}`));

    expect(parseOrderRequest({ items: items(50), paymentToken: 'tok_visa' }).items).toHaveLength(50);
    expect(problemsOf({ items: items(51), paymentToken: 'tok_visa' })).toEqual([{ field: 'items', message: 'must hold at most 50 items' }]);
  });

  it('reports one entry per bad field, all at once', () => {
    const problems = problemsOf({ items: [item('SKU-1', 0), item('bad sku', 1.5)], paymentToken: 'tok_amex' });

    expect(problems.map((problem) => problem.field)).toEqual(['items.0.quantity', 'items.1.sku', 'items.1.quantity', 'paymentToken']);
  });
});
