/**
 * The one event-pattern engine of the local cloud: EventBridge rules, Lambda filter criteria and SNS
 * filter policies all use this grammar (AWS's "event-ruler"). A pattern is validated once, then
 * compiled to a tree of closures; matching walks the event as given, never re-reading JSON.
 *
 * Semantics, as AWS documents them:
 * - keys are ANDed; the values in a field's array are ORed; `$or` ORs whole sub-patterns;
 * - a nested pattern object matches a nested event object, or any element of an event array of objects;
 * - an event array of values matches when any element matches (nested arrays are flattened);
 * - comparison operators apply to leaf values only (strings, numbers, booleans, null), so `exists`
 *   is true only for a field holding at least one leaf value.
 */
export type EventPattern = Record<string, unknown>;

type Leaf = string | number | boolean | null;
type LeafTest = (leaf: Leaf) => boolean;
/** Tests the value found at a pattern's key (undefined when the event lacks it). */
type FieldTest = (value: unknown) => boolean;
/** Tests an object-level value (the event, or a nested object/array of objects). */
type ObjectTest = (value: unknown) => boolean;

class PatternError extends Error {}

/** [] when the pattern is valid; otherwise AWS-like reasons, each naming the offending field. */
export function eventPatternErrors(pattern: unknown): string[] {
  const errors: string[] = [];
  if (!isPlainObject(pattern)) return ['Event pattern must be a JSON object'];
  compileObject(pattern, '', errors);
  return errors;
}

/** Compiles a valid pattern into a matcher; throws listing every reason when it is not valid. */
export function compileEventPattern(pattern: EventPattern): (event: unknown) => boolean {
  const errors = eventPatternErrors(pattern);
  if (errors.length > 0) throw new PatternError(`Event pattern is not valid: ${errors.join('; ')}`);
  return compileObject(pattern, '', []);
}

function compileObject(pattern: Record<string, unknown>, path: string, errors: string[]): ObjectTest {
  const fields: Array<{ key: string; test: FieldTest }> = [];
  const alternatives: ObjectTest[] = [];
  for (const [key, value] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key;
    if (key === '$or' && isOrList(value)) {
      if (value.length < 2) errors.push(`"${at}": $or must list at least two patterns`);
      value.forEach((alternative, i) => alternatives.push(compileObject(alternative as Record<string, unknown>, `${at}[${i}]`, errors)));
    } else if (Array.isArray(value)) {
      fields.push({ key, test: compileRules(value, at, errors) });
    } else if (isPlainObject(value)) {
      const nested = compileObject(value, at, errors);
      fields.push({ key, test: nested });
    } else {
      errors.push(`"${at}" must be an object or an array`);
    }
  }
  return objectMatcher(fields, alternatives);
}

/** `$or` is an operator only when it holds objects; otherwise it is an ordinary field name, as in AWS. */
function isOrList(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.length > 0 && value.every(isPlainObject);
}

function objectMatcher(fields: Array<{ key: string; test: FieldTest }>, alternatives: ObjectTest[]): ObjectTest {
  const count = fields.length;
  const keys = fields.map((f) => f.key);
  const tests = fields.map((f) => f.test);
  const matchOne = (value: unknown): boolean => {
    const object = isPlainObject(value) ? value : undefined;
    for (let i = 0; i < count; i++) if (!tests[i](object ? object[keys[i]] : undefined)) return false;
    if (alternatives.length === 0) return true;
    for (const alternative of alternatives) if (alternative(value)) return true;
    return false;
  };
  // An array of objects matches when one of its elements matches the whole sub-pattern.
  return function matchEventObject(value: unknown): boolean {
    if (!Array.isArray(value)) return matchOne(value);
    for (const element of value) if (matchEventObject(element)) return true;
    return false;
  };
}

/** A field's array of rules: any may match. */
function compileRules(rules: unknown[], at: string, errors: string[]): FieldTest {
  if (rules.length === 0) {
    errors.push(`"${at}": Empty arrays are not allowed`);
    return () => false;
  }
  const exact = new Set<Leaf>();
  const tests: LeafTest[] = [];
  let existsTrue = false;
  let existsFalse = false;
  for (const rule of rules) {
    if (isLeaf(rule)) exact.add(rule);
    else if (isPlainObject(rule)) {
      const keys = Object.keys(rule);
      if (keys.length !== 1) {
        errors.push(`"${at}": a match expression must have exactly one key, found ${keys.length === 0 ? 'none' : keys.join(', ')}`);
        continue;
      }
      if (keys[0] === 'exists') {
        if (typeof rule.exists !== 'boolean') errors.push(`"${at}": exists match pattern must be either true or false`);
        else if (rule.exists) existsTrue = true;
        else existsFalse = true;
        continue;
      }
      const test = compileExpression(keys[0], rule[keys[0]], at, errors);
      if (test) tests.push(test);
    } else errors.push(`"${at}": Match value must be String, number, true, false, or null`);
  }
  const leafTest = leafMatcher(exact, tests);
  return function matchField(value: unknown): boolean {
    if ((existsTrue || existsFalse) && hasLeaf(value) === existsTrue) return true;
    return anyLeaf(value, leafTest);
  };
}

function leafMatcher(exact: Set<Leaf>, tests: LeafTest[]): LeafTest {
  if (tests.length === 0) return (leaf) => exact.has(leaf);
  if (exact.size === 0 && tests.length === 1) return tests[0];
  return (leaf) => {
    if (exact.has(leaf)) return true;
    for (const test of tests) if (test(leaf)) return true;
    return false;
  };
}

function compileExpression(operator: string, operand: unknown, at: string, errors: string[]): LeafTest | undefined {
  const fail = (reason: string) => {
    errors.push(`"${at}": ${reason}`);
    return undefined;
  };
  switch (operator) {
    case 'prefix':
    case 'suffix': {
      const ends = operator === 'prefix' ? startsWith : endsWith;
      if (typeof operand === 'string') return (leaf) => typeof leaf === 'string' && ends(leaf, operand);
      const folded = ignoreCaseOperand(operand);
      if (folded === undefined) return fail(`${operator} match pattern must be a string or {"equals-ignore-case": string}`);
      return (leaf) => typeof leaf === 'string' && ends(leaf.toLowerCase(), folded);
    }
    case 'equals-ignore-case': {
      if (typeof operand !== 'string') return fail('equals-ignore-case match pattern must be a string');
      const folded = operand.toLowerCase();
      return (leaf) => typeof leaf === 'string' && leaf.toLowerCase() === folded;
    }
    case 'wildcard': {
      if (typeof operand !== 'string') return fail('wildcard match pattern must be a string');
      const match = compileWildcard(operand, (reason) => errors.push(`"${at}": ${reason}`));
      return (leaf) => typeof leaf === 'string' && match(leaf);
    }
    case 'numeric': {
      const range = compileNumeric(operand, (reason) => errors.push(`"${at}": ${reason}`));
      return range && ((leaf) => typeof leaf === 'number' && range(leaf));
    }
    case 'cidr': {
      if (typeof operand !== 'string') return fail('cidr match pattern must be a string');
      const inRange = compileCidr(operand);
      if (!inRange) return fail(`Malformed CIDR "${operand}": expected an IPv4 or IPv6 network such as 10.0.0.0/24`);
      return (leaf) => typeof leaf === 'string' && inRange(leaf);
    }
    case 'anything-but':
      return compileAnythingBut(operand, fail, (reason) => errors.push(`"${at}": ${reason}`));
    default:
      return fail(`Unrecognized match type ${operator}`);
  }
}

function ignoreCaseOperand(operand: unknown): string | undefined {
  if (!isPlainObject(operand)) return undefined;
  const keys = Object.keys(operand);
  if (keys.length !== 1 || keys[0] !== 'equals-ignore-case' || typeof operand['equals-ignore-case'] !== 'string') return undefined;
  return (operand['equals-ignore-case'] as string).toLowerCase();
}

/** anything-but matches a leaf that the operand does not; a missing field never matches. */
function compileAnythingBut(operand: unknown, fail: (reason: string) => undefined, report: (reason: string) => void): LeafTest | undefined {
  if (typeof operand === 'string' || typeof operand === 'number') return (leaf) => leaf !== operand;
  if (Array.isArray(operand)) {
    if (operand.length === 0) return fail('Empty arrays are not allowed');
    if (!operand.every((v) => typeof v === 'string' || typeof v === 'number')) return fail('Inside anything-but list, only strings and numbers are supported');
    const excluded = new Set<Leaf>(operand as Leaf[]);
    return (leaf) => !excluded.has(leaf);
  }
  if (!isPlainObject(operand) || Object.keys(operand).length !== 1) {
    return fail('Value of anything-but must be an array, a single string or number, or an object with one of prefix, suffix, wildcard, equals-ignore-case');
  }
  const [operator] = Object.keys(operand);
  const value = operand[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix': {
      if (typeof value !== 'string' || value === '') return fail(`anything-but ${operator} must be a non-empty string`);
      const ends = operator === 'prefix' ? startsWith : endsWith;
      return (leaf) => typeof leaf === 'string' && !ends(leaf, value);
    }
    case 'wildcard': {
      if (typeof value !== 'string') return fail('anything-but wildcard must be a string');
      const match = compileWildcard(value, report);
      return (leaf) => typeof leaf === 'string' && !match(leaf);
    }
    case 'equals-ignore-case': {
      const values = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string')) {
        return fail('anything-but equals-ignore-case must be a string or a non-empty array of strings');
      }
      const excluded = new Set(values.map((v: string) => v.toLowerCase()));
      return (leaf) => typeof leaf === 'string' && !excluded.has(leaf.toLowerCase());
    }
    default:
      return fail(`Unsupported anything-but pattern: ${operator}`);
  }
}

const LOWER = new Set(['>', '>=']);
const UPPER = new Set(['<', '<=']);

/** `["=", n]`, or one lower bound (> or >=) and/or one upper bound (< or <=), each followed by a number. */
function compileNumeric(spec: unknown, report: (reason: string) => void): ((n: number) => boolean) | undefined {
  if (!Array.isArray(spec)) return void report('Value of numeric must be an array');
  if (spec.length === 0 || spec.length % 2 !== 0 || spec.length > 4) {
    return void report('numeric must be ["=", n], or a lower bound (">" or ">=") and/or an upper bound ("<" or "<="), each followed by a number');
  }
  let lower: { value: number; inclusive: boolean } | undefined;
  let upper: { value: number; inclusive: boolean } | undefined;
  for (let i = 0; i < spec.length; i += 2) {
    const [op, value] = [spec[i], spec[i + 1]];
    if (typeof op !== 'string' || !(op === '=' || LOWER.has(op) || UPPER.has(op)))
      return void report(`Unrecognized numeric range operator: ${JSON.stringify(op)}`);
    if (typeof value !== 'number' || !Number.isFinite(value)) return void report(`Value of ${op} must be a number`);
    if (op === '=') {
      if (spec.length !== 2) return void report('numeric "=" cannot be combined with other operators');
      return (n) => n === value;
    }
    if (LOWER.has(op)) {
      if (lower) return void report('numeric range has two lower bounds');
      lower = { value, inclusive: op === '>=' };
    } else {
      if (upper) return void report('numeric range has two upper bounds');
      upper = { value, inclusive: op === '<=' };
    }
  }
  if (lower && upper && lower.value >= upper.value) return void report('Bottom must be less than top');
  const low = lower ?? { value: -Infinity, inclusive: true };
  const high = upper ?? { value: Infinity, inclusive: true };
  return (n) => (low.inclusive ? n >= low.value : n > low.value) && (high.inclusive ? n <= high.value : n < high.value);
}

/**
 * `*` matches any run of characters (also none); `\*` is a literal asterisk and `\\` a literal
 * backslash. Matched by segments (first anchored at the start, last at the end, the others found in
 * order), which is linear, so no pattern can make a match backtrack.
 */
function compileWildcard(pattern: string, report: (reason: string) => void): (value: string) => boolean {
  const segments: string[] = [''];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') {
        report(`Invalid escape character at pos ${i} in wildcard ${JSON.stringify(pattern)}`);
        return () => false;
      }
      segments[segments.length - 1] += next;
      i++;
    } else if (c === '*') {
      if (pattern[i + 1] === '*') {
        report(`Consecutive wildcard characters at pos ${i + 1} in wildcard ${JSON.stringify(pattern)}`);
        return () => false;
      }
      segments.push('');
    } else segments[segments.length - 1] += c;
  }
  if (segments.length === 1) {
    const literal = segments[0];
    return (value) => value === literal;
  }
  const first = segments[0];
  const last = segments[segments.length - 1];
  const middle = segments.slice(1, -1);
  const minLength = segments.reduce((sum, s) => sum + s.length, 0);
  return function matchWildcard(value: string): boolean {
    if (value.length < minLength || !value.startsWith(first) || !value.endsWith(last)) return false;
    let from = first.length;
    const end = value.length - last.length;
    for (const segment of middle) {
      const found = value.indexOf(segment, from);
      if (found < 0 || found + segment.length > end) return false;
      from = found + segment.length;
    }
    return true;
  };
}

/** An IPv4 or IPv6 network as a test on address strings; undefined when malformed. */
function compileCidr(cidr: string): ((address: string) => boolean) | undefined {
  const slash = cidr.indexOf('/');
  if (slash < 0 || slash !== cidr.lastIndexOf('/')) return undefined;
  const bitsText = cidr.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return undefined;
  const network = parseIp(cidr.slice(0, slash));
  const bits = Number(bitsText);
  if (!network || bits > network.width) return undefined;
  const shift = BigInt(network.width - bits);
  const prefix = network.value >> shift;
  return (address) => {
    const ip = parseIp(address);
    return ip !== undefined && ip.width === network.width && ip.value >> shift === prefix;
  };
}

function parseIp(text: string): { value: bigint; width: 32 | 128 } | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { value: BigInt(v4), width: 32 };
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : { value: v6, width: 128 };
}

function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (!text.includes(':')) return undefined;
  let groups: number[];
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (v4 === undefined) return undefined;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) out.push(parseInt(piece, 16));
      else return undefined;
    }
    return out;
  };
  const head = parseGroups(halves[0]);
  const tail = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 2) {
    if (head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
  } else groups = head;
  if (groups.length !== 8) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Whether a value holds at least one leaf (arrays flattened; objects are not leaves). */
function hasLeaf(value: unknown): boolean {
  if (value === undefined) return false;
  if (!Array.isArray(value)) return isLeaf(value);
  for (const element of value) if (hasLeaf(element)) return true;
  return false;
}

function anyLeaf(value: unknown, test: LeafTest): boolean {
  if (Array.isArray(value)) {
    for (const element of value) if (anyLeaf(element, test)) return true;
    return false;
  }
  return isLeaf(value) && test(value);
}

function isLeaf(value: unknown): value is Leaf {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const startsWith = (value: string, prefix: string) => value.startsWith(prefix);
const endsWith = (value: string, suffix: string) => value.endsWith(suffix);
