import { compileEventPattern, eventPatternErrors, type EventPattern } from '../../../../offline/cloud/patterns/event-pattern';

type Case = [description: string, event: unknown, matches: boolean];

/** One pattern, several events: each row says whether the pattern matches it. */
function table(pattern: EventPattern, rows: Case[]) {
  const match = compileEventPattern(pattern);
  it.each(rows)('%s', (_description, event, expected) => {
    expect(match(event)).toBe(expected);
  });
}

// The EC2 event of AWS's "Event patterns" page, with the fields its examples filter on.
const ec2 = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};
const detail = (fields: Record<string, unknown>) => ({ ...ec2, detail: fields });

describe('exact matching', () => {
  describe('strings, AND across keys, nested objects', () => {
    table({ source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } }, [
      ['the documented EC2 termination event', ec2, true],
      ['another state', detail({ state: 'running' }), false],
      ['another case (matching is case-sensitive)', detail({ state: 'Terminated' }), false],
      ['a longer string', detail({ state: 'terminated!' }), false],
      ['another source', { ...ec2, source: 'aws.s3' }, false],
      ['the nested field missing', detail({}), false],
      ['the nested object flat instead', { ...ec2, detail: 'terminated' }, false],
    ]);
  });

  describe('several values are ORed', () => {
    table({ source: ['aws.ec2', 'aws.fargate'] }, [
      ['the first', ec2, true],
      ['the second', { ...ec2, source: 'aws.fargate' }, true],
      ['neither', { ...ec2, source: 'aws.s3' }, false],
    ]);
  });

  describe('numbers, booleans, null and the empty string', () => {
    table({ detail: { count: [5], enabled: [true] } }, [
      ['5 and true', detail({ count: 5, enabled: true }), true],
      ['5.0 is the number 5', detail({ count: 5.0, enabled: true }), true],
      ['the string "5" is not the number 5', detail({ count: '5', enabled: true }), false],
      ['the string "true" is not true', detail({ count: 5, enabled: 'true' }), false],
      ['false', detail({ count: 5, enabled: false }), false],
    ]);
    table({ detail: { responseElements: [null], eventVersion: [''] } }, [
      ['null and the empty string', detail({ responseElements: null, eventVersion: '' }), true],
      ['a missing field is not null', detail({ eventVersion: '' }), false],
      ['a value is not null', detail({ responseElements: 'x', eventVersion: '' }), false],
      ['a space is not empty', detail({ responseElements: null, eventVersion: ' ' }), false],
    ]);
  });

  describe('arrays in the event match when any element matches', () => {
    table({ resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', 'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f'] }, [
      [
        'one element in common',
        { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', 'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f'] },
        true,
      ],
      ['no element in common', { resources: ['arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f'] }, false],
      ['an empty array', { resources: [] }, false],
      ['a single value (not an array)', { resources: 'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f' }, true],
      ['nested arrays are flattened', { resources: [['arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f']] }, true],
    ]);
  });

  describe('arrays of objects: a sub-pattern matches one element as a whole', () => {
    table({ detail: { items: { sku: ['A'], qty: [2] } } }, [
      [
        'one element has both',
        detail({
          items: [
            { sku: 'B', qty: 1 },
            { sku: 'A', qty: 2 },
          ],
        }),
        true,
      ],
      [
        'the fields are in different elements',
        detail({
          items: [
            { sku: 'A', qty: 1 },
            { sku: 'B', qty: 2 },
          ],
        }),
        false,
      ],
    ]);
  });
});

describe('prefix', () => {
  describe('prefix', () => {
    table({ time: [{ prefix: '2017-10-02' }] }, [
      ['"2017-10-02T18:43:48Z"', { time: '2017-10-02T18:43:48Z' }, true],
      ['exactly the prefix', { time: '2017-10-02' }, true],
      ['another day', { time: '2017-10-03T18:43:48Z' }, false],
      ['the prefix elsewhere in the string', { time: 'x2017-10-02' }, false],
      ['a number is not a string', { time: 20171002 }, false],
      ['missing', {}, false],
    ]);
  });

  describe('prefix with equals-ignore-case', () => {
    table({ detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, [
      ['EventBridge', detail({ service: 'EventBridge' }), true],
      ['EVENTBRIDGE', detail({ service: 'EVENTBRIDGE' }), true],
      ['eventbus', detail({ service: 'eventbus' }), true],
      ['Lambda', detail({ service: 'Lambda' }), false],
    ]);
  });
});

describe('suffix', () => {
  describe('suffix', () => {
    table({ FileName: [{ suffix: '.png' }] }, [
      ['image.png', { FileName: 'image.png' }, true],
      ['image.PNG (case-sensitive)', { FileName: 'image.PNG' }, false],
      ['image.png.txt', { FileName: 'image.png.txt' }, false],
    ]);
  });

  describe('suffix with equals-ignore-case', () => {
    table({ detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, [
      ['image.png', detail({ FileName: 'image.png' }), true],
      ['image.PNG', detail({ FileName: 'image.PNG' }), true],
      ['image.Png', detail({ FileName: 'image.Png' }), true],
      ['image.jpg', detail({ FileName: 'image.jpg' }), false],
    ]);
  });
});

describe('anything-but', () => {
  describe('a single string', () => {
    table({ detail: { state: [{ 'anything-but': 'initializing' }] } }, [
      ['running', detail({ state: 'running' }), true],
      ['initializing', detail({ state: 'initializing' }), false],
      ['a missing field never matches', detail({}), false],
    ]);
  });

  describe('a single number', () => {
    table({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, [
      ['456', detail({ 'x-limit': 456 }), true],
      ['123', detail({ 'x-limit': 123 }), false],
    ]);
  });

  describe('a list of strings, a list of numbers', () => {
    table({ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }], 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, [
      ['running and 150', detail({ state: 'running', 'x-limit': 150 }), true],
      ['stopped', detail({ state: 'stopped', 'x-limit': 150 }), false],
      ['overloaded', detail({ state: 'overloaded', 'x-limit': 150 }), false],
      ['200', detail({ state: 'running', 'x-limit': 200 }), false],
    ]);
  });

  describe('an event array: matches when some element is not excluded', () => {
    table({ tags: [{ 'anything-but': ['a'] }] }, [
      ['["a", "b"]', { tags: ['a', 'b'] }, true],
      ['["a"]', { tags: ['a'] }, false],
    ]);
  });

  describe('prefix', () => {
    table({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, [
      ['running', detail({ state: 'running' }), true],
      ['initializing', detail({ state: 'initializing' }), false],
    ]);
  });

  describe('suffix', () => {
    table({ detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } }, [
      ['file.png', detail({ FileName: 'file.png' }), true],
      ['file.txt', detail({ FileName: 'file.txt' }), false],
    ]);
  });

  describe('equals-ignore-case', () => {
    table({ detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] } }, [
      ['running', detail({ state: 'running' }), true],
      ['STOPPED', detail({ state: 'STOPPED' }), false],
      ['overloaded', detail({ state: 'overloaded' }), false],
    ]);
  });

  describe('wildcard', () => {
    table({ detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, [
      ['/usr/bin/env', detail({ FilePath: '/usr/bin/env' }), true],
      ['/usr/lib/libc.so', detail({ FilePath: '/usr/lib/libc.so' }), false],
    ]);
  });
});

describe('numeric', () => {
  describe('ranges and equality (the documented c-count, d-count, x-limit example)', () => {
    table({ detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, [
      ['5, 7 and 301.8', detail({ 'c-count': 5, 'd-count': 7, 'x-limit': 301.8 }), true],
      ['c-count 0 (bound excluded)', detail({ 'c-count': 0, 'd-count': 7, 'x-limit': 301.8 }), false],
      ['c-count 5.5', detail({ 'c-count': 5.5, 'd-count': 7, 'x-limit': 301.8 }), false],
      ['d-count 10', detail({ 'c-count': 5, 'd-count': 10, 'x-limit': 301.8 }), false],
      ['x-limit 301.9', detail({ 'c-count': 5, 'd-count': 7, 'x-limit': 301.9 }), false],
      ['a numeric string is not a number', detail({ 'c-count': '5', 'd-count': 7, 'x-limit': 301.8 }), false],
    ]);
  });

  describe('every operator', () => {
    const rows: Array<[unknown[], number, boolean]> = [
      [['=', 10], 10, true],
      [['=', 10], 10.5, false],
      [['>', 10], 10, false],
      [['>=', 10], 10, true],
      [['<', 10], 10, false],
      [['<=', 10], 10, true],
      [['>=', -1.5, '<', 0], -1.5, true],
      [['<', 0, '>=', -1.5], -0.1, true],
      [['>=', -1.5, '<', 0], 0, false],
    ];
    it.each(rows)('%j on %d is %s', (range, value, expected) => {
      expect(compileEventPattern({ n: [{ numeric: range }] })({ n: value })).toBe(expected);
    });
  });
});

describe('exists', () => {
  describe('exists: true', () => {
    table({ detail: { state: [{ exists: true }] } }, [
      ['present', detail({ state: 'x' }), true],
      ['present and null', detail({ state: null }), true],
      ['missing', detail({}), false],
      ['an object is not a leaf (exists works on leaf nodes only)', detail({ state: { code: 1 } }), false],
      ['an empty array holds no value', detail({ state: [] }), false],
    ]);
  });

  describe('exists: false', () => {
    table({ detail: { state: [{ exists: false }] } }, [
      ['missing', detail({}), true],
      ['present', detail({ state: 'x' }), false],
      ['the parent missing too', { source: 'x' }, true],
    ]);
  });
});

describe('cidr', () => {
  describe('IPv4', () => {
    table({ detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, [
      ['10.0.0.0', detail({ sourceIPAddress: '10.0.0.0' }), true],
      ['10.0.0.255', detail({ sourceIPAddress: '10.0.0.255' }), true],
      ['10.0.1.0', detail({ sourceIPAddress: '10.0.1.0' }), false],
      ['not an address', detail({ sourceIPAddress: 'ten' }), false],
      ['an IPv6 address', detail({ sourceIPAddress: '::a00:1' }), false],
    ]);
  });

  describe('IPv6', () => {
    table({ detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } }, [
      ['2001:db8::1', detail({ sourceIPAddress: '2001:db8::1' }), true],
      ['2001:0db8:ffff:ffff:ffff:ffff:ffff:ffff', detail({ sourceIPAddress: '2001:0db8:ffff:ffff:ffff:ffff:ffff:ffff' }), true],
      ['2001:db9::1', detail({ sourceIPAddress: '2001:db9::1' }), false],
      ['an IPv4 address', detail({ sourceIPAddress: '10.0.0.1' }), false],
    ]);
    table({ ip: [{ cidr: '::ffff:10.0.0.0/120' }] }, [
      ['an IPv4-mapped address in range', { ip: '::ffff:10.0.0.7' }, true],
      ['out of range', { ip: '::ffff:10.0.1.7' }, false],
    ]);
  });
});

describe('equals-ignore-case', () => {
  table({ detail: { name: [{ 'equals-ignore-case': 'alice' }] } }, [
    ['Alice', detail({ name: 'Alice' }), true],
    ['ALICE', detail({ name: 'ALICE' }), true],
    ['Alicia', detail({ name: 'Alicia' }), false],
  ]);
});

describe('wildcard', () => {
  describe('the documented event-bus ARN', () => {
    table({ EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] }, [
      ['any account, any bus', { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' }, true],
      ['another region', { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/orders' }, false],
    ]);
  });

  describe('dir/*.png', () => {
    table({ FileName: [{ wildcard: 'dir/*.png' }] }, [
      ['dir/image.png', { FileName: 'dir/image.png' }, true],
      ['dir/.png (zero characters)', { FileName: 'dir/.png' }, true],
      ['dir/sub/image.png', { FileName: 'dir/sub/image.png' }, true],
      ['dir/image.jpg', { FileName: 'dir/image.jpg' }, false],
      ['other/image.png', { FileName: 'other/image.png' }, false],
    ]);
  });

  describe('several wildcards, and no overlap of the fixed parts', () => {
    table({ s: [{ wildcard: 'a*b*a' }] }, [
      ['aba', { s: 'aba' }, true],
      ['axxbyya', { s: 'axxbyya' }, true],
      ['ab (the final a is needed)', { s: 'ab' }, false],
      ['a (the first and last a are two characters)', { s: 'a' }, false],
    ]);
  });

  describe('escaping: \\* is a literal asterisk, \\\\ a literal backslash', () => {
    table({ s: [{ wildcard: 'a\\*b*' }] }, [
      ['a*b', { s: 'a*b' }, true],
      ['a*bc', { s: 'a*bc' }, true],
      ['axb (the escaped * is not a wildcard)', { s: 'axb' }, false],
    ]);
    table({ s: [{ wildcard: 'c:\\\\*' }] }, [
      ['c:\\temp', { s: 'c:\\temp' }, true],
      ['c:temp', { s: 'c:temp' }, false],
    ]);
  });
});

describe('$or', () => {
  describe('the documented numeric $or', () => {
    table(
      {
        detail: {
          $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }, { 'x-limit': [{ numeric: ['=', 3.018e2] }] }],
        },
      },
      [
        ['c-count 3', detail({ 'c-count': 3 }), true],
        ['d-count 1', detail({ 'd-count': 1 }), true],
        ['x-limit 301.8', detail({ 'x-limit': 301.8 }), true],
        ['none of them', detail({ 'c-count': 9, 'd-count': 11 }), false],
      ],
    );
  });

  describe('ANDed with the other keys', () => {
    table({ source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }] }, [
      ['source and metric', { source: 'aws.cloudwatch', metricName: 'ReadLatency' }, true],
      ['source and namespace', { source: 'aws.cloudwatch', namespace: 'AWS/ES' }, true],
      ['another source', { source: 'aws.ec2', metricName: 'ReadLatency' }, false],
      ['source only', { source: 'aws.cloudwatch', metricName: 'DiskIO' }, false],
    ]);
  });

  describe('"$or" holding values is an ordinary field name', () => {
    table({ $or: ['x'] }, [
      ['a field named $or', { $or: 'x' }, true],
      ['no such field', { a: 'x' }, false],
    ]);
  });
});

describe('mixing operators within one field (any may match)', () => {
  table({ detail: { state: ['pending', { prefix: 'stop' }, { exists: false }] } }, [
    ['exact', detail({ state: 'pending' }), true],
    ['prefix', detail({ state: 'stopping' }), true],
    ['missing', detail({}), true],
    ['none', detail({ state: 'running' }), false],
  ]);
});

describe('validation (InvalidEventPatternException-style reasons naming the field)', () => {
  const invalid: Array<[string, unknown, RegExp]> = [
    ['not an object', ['x'], /must be a JSON object/],
    ['a bare value', { source: 'aws.ec2' }, /"source" must be an object or an array/],
    ['an empty array', { source: [] }, /"source": Empty arrays are not allowed/],
    ['an unknown operator', { detail: { state: [{ prefx: 'a' }] } }, /"detail.state": Unrecognized match type prefx/],
    ['two operators in one expression', { a: [{ prefix: 'a', suffix: 'b' }] }, /exactly one key/],
    ['an empty expression', { a: [{}] }, /exactly one key, found none/],
    ['a nested array as a value', { a: [['x']] }, /Match value must be String, number, true, false, or null/],
    ['prefix not a string', { a: [{ prefix: 1 }] }, /"a": prefix match pattern must be a string/],
    ['prefix with another object', { a: [{ prefix: { 'ignore-case': 'x' } }] }, /prefix match pattern/],
    ['suffix not a string', { a: [{ suffix: ['x'] }] }, /suffix match pattern/],
    ['equals-ignore-case not a string', { a: [{ 'equals-ignore-case': ['x'] }] }, /equals-ignore-case match pattern must be a string/],
    ['exists not a boolean', { a: [{ exists: 'true' }] }, /exists match pattern must be either true or false/],
    ['numeric not an array', { a: [{ numeric: 5 }] }, /Value of numeric must be an array/],
    ['numeric empty', { a: [{ numeric: [] }] }, /numeric must be/],
    ['numeric odd length', { a: [{ numeric: ['>', 1, '<'] }] }, /numeric must be/],
    ['numeric unknown operator', { a: [{ numeric: ['!=', 1] }] }, /Unrecognized numeric range operator: "!="/],
    ['numeric bound not a number', { a: [{ numeric: ['>', '1'] }] }, /Value of > must be a number/],
    ['numeric two lower bounds', { a: [{ numeric: ['>', 1, '>=', 2] }] }, /two lower bounds/],
    ['numeric bottom above top', { a: [{ numeric: ['>', 5, '<', 1] }] }, /Bottom must be less than top/],
    ['numeric = with more', { a: [{ numeric: ['=', 5, '<', 10] }] }, /"=" cannot be combined/],
    ['cidr without a prefix length', { a: [{ cidr: '10.0.0.1' }] }, /Malformed CIDR "10.0.0.1"/],
    ['cidr prefix too long', { a: [{ cidr: '10.0.0.0/33' }] }, /Malformed CIDR/],
    ['cidr not an address', { a: [{ cidr: 'ten/8' }] }, /Malformed CIDR/],
    ['anything-but null', { a: [{ 'anything-but': null }] }, /Value of anything-but must be/],
    ['anything-but empty list', { a: [{ 'anything-but': [] }] }, /Empty arrays are not allowed/],
    ['anything-but list with a boolean', { a: [{ 'anything-but': ['x', true] }] }, /only strings and numbers/],
    ['anything-but unknown operator', { a: [{ 'anything-but': { numeric: ['>', 1] } }] }, /Unsupported anything-but pattern: numeric/],
    ['anything-but prefix not a string', { a: [{ 'anything-but': { prefix: 1 } }] }, /anything-but prefix must be a non-empty string/],
    ['anything-but equals-ignore-case numbers', { a: [{ 'anything-but': { 'equals-ignore-case': [1] } }] }, /anything-but equals-ignore-case/],
    ['wildcard consecutive asterisks', { a: [{ wildcard: 'a**b' }] }, /Consecutive wildcard characters at pos 2/],
    ['wildcard invalid escape', { a: [{ wildcard: 'a\\b' }] }, /Invalid escape character at pos 1/],
    ['wildcard not a string', { a: [{ wildcard: 1 }] }, /wildcard match pattern must be a string/],
    ['$or with a single pattern', { $or: [{ a: ['x'] }] }, /"\$or": \$or must list at least two patterns/],
    ['an error inside $or names its place', { $or: [{ a: ['x'] }, { b: [{ nope: 1 }] }] }, /"\$or\[1\].b": Unrecognized match type nope/],
  ];

  it.each(invalid)('%s', (_description, pattern, reason) => {
    const errors = eventPatternErrors(pattern);
    expect(errors).toEqual([expect.stringMatching(reason)]);
    expect(() => compileEventPattern(pattern as EventPattern)).toThrow(reason);
  });

  it('reports every problem of a pattern, not only the first', () => {
    expect(eventPatternErrors({ a: [], b: 'x', c: [{ prefix: 1 }] })).toHaveLength(3);
  });

  it('accepts every documented operator', () => {
    const pattern = {
      source: ['aws.ec2', null, 1, true, ''],
      detail: {
        a: [{ prefix: 'x' }, { prefix: { 'equals-ignore-case': 'x' } }, { suffix: 'x' }, { suffix: { 'equals-ignore-case': 'x' } }],
        b: [
          { 'anything-but': 'x' },
          { 'anything-but': 1 },
          { 'anything-but': ['x', 'y'] },
          { 'anything-but': { prefix: 'x' } },
          { 'anything-but': { suffix: 'x' } },
        ],
        c: [{ 'anything-but': { wildcard: '*x' } }, { 'anything-but': { 'equals-ignore-case': 'x' } }, { numeric: ['>=', 0, '<', 1] }, { numeric: ['=', 1] }],
        d: [{ exists: true }, { cidr: '10.0.0.0/8' }, { cidr: '2001:db8::/32' }, { 'equals-ignore-case': 'x' }, { wildcard: 'a\\*\\\\*' }],
        $or: [{ e: ['x'] }, { f: { g: ['y'] } }],
      },
    };
    expect(eventPatternErrors(pattern)).toEqual([]);
  });
});
