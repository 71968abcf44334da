import * as z from 'zod/mini';
import { ValidationError, type FieldProblem } from '../errors';

const MAX_ITEMS = 50;

/** "is required" when absent, else what the value must be. */
const expecting = (what: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`) });

/** One schema for every way an order enters: the HTTP body and each CSV row. */
export const orderRequestSchema = z.strictObject(
  {
    items: z
      .array(
        z.strictObject(
          {
            sku: z.string(expecting('a string')).check(z.regex(/^[A-Z0-9][A-Z0-9-]{0,31}$/, 'must be a SKU such as "SKU-1"')),
            quantity: z
              .number(expecting('a number'))
              .check(z.int('must be a whole number'), z.minimum(1, 'must be at least 1'), z.maximum(1000, 'must be at most 1000')),
          },
          expecting('an object'),
        ),
        expecting('an array of items'),
      )
      .check(
        z.minLength(1, 'must hold at least one item'),
        z.maxLength(MAX_ITEMS, `must hold at most ${MAX_ITEMS} items`),
        z.refine((items) => new Set(items.map((item) => item.sku)).size === items.length, 'must name each SKU once'),
      ),
    paymentToken: z.string(expecting('a string')).check(z.regex(/^tok_(visa|declined|flaky_\d{1,2})$/, 'must be tok_visa, tok_declined or tok_flaky_<n>')),
  },
  expecting('a JSON object'),
);

export type OrderRequest = z.infer<typeof orderRequestSchema>;

export function parseOrderRequest(input: unknown): OrderRequest {
  const parsed = orderRequestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.flatMap(toFieldProblems);
  // A body can hold thousands of bad fields: name the first ones, count the rest.
  const shown = problems.slice(0, MAX_DETAILS);
  if (problems.length > MAX_DETAILS) shown.push({ field: '(body)', message: `and ${problems.length - MAX_DETAILS} more problems` });
  throw new ValidationError(shown);
}

const MAX_DETAILS = 20;

function toFieldProblems(issue: z.core.$ZodIssue): FieldProblem[] {
  const at = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ field: [...at, key].join('.'), message: 'is not a known field' }));
  }
  return [{ field: at.length > 0 ? at.join('.') : '(body)', message: issue.message }];
}
