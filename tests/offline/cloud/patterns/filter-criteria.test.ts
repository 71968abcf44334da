import { compileFilterCriteria } from '../../../../offline/cloud/patterns/filter-criteria';

// Records shaped exactly as Lambda puts them in event.Records (from AWS's event-filtering pages).
const sqsRecord = (body: string, extra: Record<string, unknown> = {}) => ({
  messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
  receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...',
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1545082649183',
    SenderId: 'AIDAIENQZJOLO23YVJ4VO',
    ApproximateFirstReceiveTimestamp: '1545082649185',
  },
  messageAttributes: {},
  md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-west-2:123456789012:my-queue',
  awsRegion: 'us-west-2',
  ...extra,
});

const kinesisRecord = (data: string) => ({
  kinesis: {
    kinesisSchemaVersion: '1.0',
    partitionKey: '1',
    sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
    data: Buffer.from(data).toString('base64'),
    approximateArrivalTimestamp: 1545084650.987,
  },
  eventSource: 'aws:kinesis',
  eventVersion: '1.0',
  eventID: 'shardId-000000000006:49590338271490256608559692538361571095921575989136588898',
  eventName: 'aws:kinesis:record',
  awsRegion: 'us-east-2',
  eventSourceARN: 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream',
});

const dynamodbRecord = (eventName: string, newImage: Record<string, unknown> | undefined) => ({
  eventID: 'c81e728d9d4c2f636f067f89cc14862c',
  eventName,
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'us-east-1',
  dynamodb: {
    Keys: { CustomerName: { S: 'AnyCompany Industries' } },
    ...(newImage ? { NewImage: newImage } : {}),
    SequenceNumber: '111',
    SizeBytes: 26,
    StreamViewType: 'NEW_IMAGE',
  },
  eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/ExampleTable/stream/2015-06-27T00:48:05.899',
});

const json = (value: unknown) => JSON.stringify(value);

describe('compileFilterCriteria', () => {
  it('is undefined when there is nothing to filter', () => {
    expect(compileFilterCriteria('sqs', undefined)).toBeUndefined();
    expect(compileFilterCriteria('kinesis', [])).toBeUndefined();
  });

  describe('SQS: body matched as JSON when it is a JSON object', () => {
    const byCode = compileFilterCriteria('sqs', [{ body: { RequestCode: ['BBBB'] } }])!;
    const byNumber = compileFilterCriteria('sqs', [{ body: { RecordNumber: [{ numeric: ['>', 9999] }] } }])!;

    it.each([
      ['RequestCode BBBB', byCode, json({ RecordNumber: 1234, TimeStamp: 'yyyy-mm-ddThh:mm:ss', RequestCode: 'BBBB' }), true],
      ['RequestCode AAAA', byCode, json({ RecordNumber: 1234, TimeStamp: 'yyyy-mm-ddThh:mm:ss', RequestCode: 'AAAA' }), false],
      ['pretty-printed JSON', byCode, '{\n "RecordNumber": 1234,\n "RequestCode": "BBBB"\n}', true],
      ['RecordNumber 10000', byNumber, json({ RecordNumber: 10000 }), true],
      ['RecordNumber 9999', byNumber, json({ RecordNumber: 9999 }), false],
      ['a plain-string body never matches a JSON pattern', byCode, 'RequestCode BBBB', false],
      ['nor does a JSON array', byCode, json([{ RequestCode: 'BBBB' }]), false],
    ])('%s', (_description, filter, body, expected) => {
      expect(filter(sqsRecord(body))).toBe(expected);
    });

    it('a JSON pattern with exists: false still drops a plain-string body (a format mismatch drops the message)', () => {
      const filter = compileFilterCriteria('sqs', [{ body: { code: [{ exists: false }] } }])!;
      expect(filter(sqsRecord('hello'))).toBe(false);
      expect(filter(sqsRecord(json({ other: 1 })))).toBe(true);
    });
  });

  describe('SQS: a plain-string body matches string rules on body', () => {
    const filter = compileFilterCriteria('sqs', [{ body: [{ prefix: 'Result: ' }] }])!;

    it.each([
      ['Result: ok', 'Result: ok', true],
      ['Error: no', 'Error: no', false],
      ['a JSON body never matches string rules', json({ text: 'Result: ok' }), false],
    ])('%s', (_description, body, expected) => {
      expect(filter(sqsRecord(body))).toBe(expected);
    });

    it('anything-but on a string body', () => {
      const notError = compileFilterCriteria('sqs', [{ body: [{ 'anything-but': ['error'] }] }])!;
      expect(notError(sqsRecord('fine'))).toBe(true);
      expect(notError(sqsRecord('error'))).toBe(false);
    });
  });

  describe('SQS: metadata fields', () => {
    it('filters on attributes and messageAttributes, whatever the body', () => {
      const filter = compileFilterCriteria('sqs', [
        { attributes: { ApproximateReceiveCount: ['1'] }, messageAttributes: { kind: { stringValue: ['order'] } } },
      ])!;
      const attrs = { messageAttributes: { kind: { stringValue: 'order', dataType: 'String' } } };

      expect(filter(sqsRecord('plain', attrs))).toBe(true);
      expect(filter(sqsRecord(json({ a: 1 }), attrs))).toBe(true);
      expect(filter(sqsRecord('plain', { messageAttributes: { kind: { stringValue: 'refund', dataType: 'String' } } }))).toBe(false);
      expect(filter(sqsRecord('plain'))).toBe(false);
    });
  });

  describe('several patterns: a record passes if ANY matches', () => {
    const filter = compileFilterCriteria('sqs', [{ body: { kind: ['OrderPlaced'] } }, { body: [{ prefix: 'ping' }] }])!;

    it.each([
      ['the first (JSON)', json({ kind: 'OrderPlaced' }), true],
      ['the second (plain string)', 'ping 1', true],
      ['neither', json({ kind: 'OrderPaid' }), false],
    ])('%s', (_description, body, expected) => {
      expect(filter(sqsRecord(body))).toBe(expected);
    });
  });

  describe('Kinesis: data is base64-decoded and matched as JSON', () => {
    const filter = compileFilterCriteria('kinesis', [{ data: { order: { type: ['buy'] } } }])!;

    it.each([
      ['the documented buy order', json({ record: 12345, order: { type: 'buy', stock: 'ANYCO', quantity: 1000 } }), true],
      ['a sell order', json({ record: 12345, order: { type: 'sell', stock: 'ANYCO', quantity: 1000 } }), false],
      ['data that is not JSON', 'buy', false],
    ])('%s', (_description, data, expected) => {
      expect(filter(kinesisRecord(data))).toBe(expected);
    });

    it('string rules on data never match: Kinesis filtering needs JSON data and a JSON pattern', () => {
      const onString = compileFilterCriteria('kinesis', [{ data: [{ prefix: 'buy' }] }])!;
      expect(onString(kinesisRecord('buy 10'))).toBe(false);
      expect(onString(kinesisRecord(json({ buy: 10 })))).toBe(false);
    });

    it('metadata matches as it is, without decoding data', () => {
      const byKey = compileFilterCriteria('kinesis', [{ kinesis: { partitionKey: ['1'] } }])!;
      expect(byKey(kinesisRecord('not json'))).toBe(true);
    });
  });

  describe('DynamoDB: the record as is', () => {
    const filter = compileFilterCriteria('dynamodb', [
      { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { status: { S: ['CONFIRMED'] }, total: { N: [{ exists: true }] } } } },
    ])!;
    const image = (status: string) => ({ status: { S: status }, total: { N: '42' } });

    it.each([
      ['an insert of a confirmed order', dynamodbRecord('INSERT', image('CONFIRMED')), true],
      ['a modify of a confirmed order', dynamodbRecord('MODIFY', image('CONFIRMED')), true],
      ['a pending order', dynamodbRecord('INSERT', image('PENDING')), false],
      ['a remove (no new image)', dynamodbRecord('REMOVE', undefined), false],
      ['no total', dynamodbRecord('INSERT', { status: { S: 'CONFIRMED' } }), false],
    ])('%s', (_description, record, expected) => {
      expect(filter(record)).toBe(expected);
    });
  });

  describe("serverless.yml's filterPatterns forms", () => {
    it('takes CloudFormation { Pattern: "<json>" } entries as well as objects', () => {
      const filter = compileFilterCriteria('sqs', [{ Pattern: json({ body: { kind: ['a'] } }) }, { body: { kind: ['b'] } }])!;
      expect(filter(sqsRecord(json({ kind: 'a' })))).toBe(true);
      expect(filter(sqsRecord(json({ kind: 'b' })))).toBe(true);
      expect(filter(sqsRecord(json({ kind: 'c' })))).toBe(false);
    });

    it.each([
      [
        'an invalid pattern, naming its index and the problem',
        [{ body: { a: ['x'] } }, { body: { a: [{ prefx: 'x' }] } }],
        /^filterPatterns\[1\]: filter pattern is not valid: "body.a": Unrecognized match type prefx$/,
      ],
      ['a Pattern that is not JSON', [{ Pattern: '{ body: x' }], /^filterPatterns\[0\]: Pattern is not valid JSON/],
      ['a pattern that is not an object', ['body'], /^filterPatterns\[0\]: a filter pattern must be an object/],
      ['an empty array', [{ eventName: [] }], /^filterPatterns\[0\]: .*"eventName": Empty arrays are not allowed/],
    ])('throws on %s', (_description, patterns, message) => {
      expect(() => compileFilterCriteria('sqs', patterns)).toThrow(message);
    });

    it('names the place it was given', () => {
      expect(() => compileFilterCriteria('kinesis', [{ data: 'x' }], 'function fulfil, events[0].stream.filterPatterns')).toThrow(
        /^function fulfil, events\[0\]\.stream\.filterPatterns\[0\]: filter pattern is not valid: "data" must be an object or an array$/,
      );
    });
  });
});
