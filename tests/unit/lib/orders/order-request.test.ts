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

  it('says both missing fields are required', () => {
    expect(problemsOf({})).toEqual([
      { field: 'items', message: 'is required' },
      { field: 'paymentToken', message: 'is required' },
    ]);
  });

  it.each([null, [], 'order', 42, true])('refuses a body that is not an object (%p)', (body) => {
    expect(problemsOf(body)).toEqual([{ field: '(body)', message: 'must be a JSON object' }]);
  });

  it('names each field of the wrong type and what it must be', () => {
    expect(problemsOf({ items: 'SKU-1', paymentToken: 4242 })).toEqual([
      { field: 'items', message: 'must be an array of items' },
      { field: 'paymentToken', message: 'must be a string' },
    ]);
  });

  it('refuses an item that is not an object', () => {
    expect(problemsOf({ items: ['SKU-1'], paymentToken: 'tok_visa' })).toEqual([{ field: 'items.0', message: 'must be an object' }]);
  });

  it('names a missing sku and a missing quantity by their item', () => {
    expect(problemsOf({ items: [{ quantity: 1 }, { sku: 'SKU-2' }], paymentToken: 'tok_visa' })).toEqual([
      { field: 'items.0.sku', message: 'is required' },
      { field: 'items.1.quantity', message: 'is required' },
    ]);
  });

  it.each([
    ['text', '2'],
    ['null', null],
    ['a boolean', true],
  ])('refuses a quantity sent as %s', (_label, quantity) => {
    expect(problemsOf({ items: [item('SKU-1', quantity)], paymentToken: 'tok_visa' })).toEqual([{ field: 'items.0.quantity', message: 'must be a number' }]);
  });

  it('refuses a SKU sent as a number', () => {
    expect(problemsOf({ items: [item(1 as unknown as string)], paymentToken: 'tok_visa' })).toEqual([{ field: 'items.0.sku', message: 'must be a string' }]);
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

  it('says how small and how big a quantity may be', () => {
    expect(problemsOf({ items: [item('SKU-1', 0)], paymentToken: 'tok_visa' })).toEqual([{ field: 'items.0.quantity', message: 'must be at least 1' }]);
    expect(problemsOf({ items: [item('SKU-1', 1001)], paymentToken: 'tok_visa' })).toEqual([{ field: 'items.0.quantity', message: 'must be at most 1000' }]);
    expect(problemsOf({ items: [item('SKU-1', 1e21)], paymentToken: 'tok_visa' })).toContainEqual({
      field: 'items.0.quantity',
      message: 'must be at most 1000',
    });
  });

  it('says a fractional quantity must be whole', () => {
    expect(problemsOf({ items: [item('SKU-1', 2.5)], paymentToken: 'tok_visa' })).toEqual([{ field: 'items.0.quantity', message: 'must be a whole number' }]);
  });

  it.each(['sku-1', 'SKU 1', '', '-SKU', 'SKU_1', `SKU-${'X'.repeat(40)}`])('refuses the SKU %p', (sku) => {
    expect(problemsOf({ items: [item(sku)], paymentToken: 'tok_visa' })).toEqual([{ field: 'items.0.sku', message: 'must be a SKU such as "SKU-1"' }]);
  });

  it.each(['tok_amex', 'visa', 'tok_visa ', 'TOK_VISA', 'tok_flaky_', 'tok_flaky_100', 'tok_flaky_-1', ''])('refuses the payment token %p', (paymentToken) => {
    expect(problemsOf({ items: [item('SKU-1')], paymentToken })).toEqual([
      { field: 'paymentToken', message: 'must be tok_visa, tok_declined or tok_flaky_<n>' },
    ]);
  });

  it('refuses each unknown top-level field by name', () => {
    expect(problemsOf({ items: [item('SKU-1')], paymentToken: 'tok_visa', coupon: 'FREE', customerId: 'someone-else' })).toEqual([
      { field: 'coupon', message: 'is not a known field' },
      { field: 'customerId', message: 'is not a known field' },
    ]);
  });

  it('refuses an unknown field inside an item by its path', () => {
    expect(problemsOf({ items: [{ sku: 'SKU-1', quantity: 1, unitPriceCents: 1 }], paymentToken: 'tok_visa' })).toEqual([
      { field: 'items.0.unitPriceCents', message: 'is not a known field' },
    ]);
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

  it('names the first 20 problems of a body full of them and counts the rest', () => {
    const junk = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`junk${i}`, i]));

    const problems = problemsOf({ items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_visa', ...junk });

    expect(problems).toHaveLength(21);
    expect(problems[20]).toEqual({ field: '(body)', message: 'and 480 more problems' });
  });
});
