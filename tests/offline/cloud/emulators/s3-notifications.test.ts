import { matches, parseNotificationXml, s3Record, type ObjectEvent, type QueueNotification } from '../../../../offline/cloud/emulators/s3-notifications';

/** How a Lambda handler (handlers/import-orders.ts) turns the event's key back into the object key. */
const decodeKey = (key: string) => decodeURIComponent(key.replace(/\+/g, ' '));

describe('parseNotificationXml', () => {
  it('reads each queue configuration: queue ARN, events and the prefix/suffix rules', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
      <NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
        <QueueConfiguration>
          <Id>imports</Id>
          <Queue>arn:aws:sqs:us-east-1:000000000000:orderflow-local-importOrders-async-events</Queue>
          <Event>s3:ObjectCreated:*</Event>
          <Filter>
            <S3Key>
              <FilterRule>
                <Name>prefix</Name>
                <Value>incoming/</Value>
              </FilterRule>
              <FilterRule><Name>Suffix</Name><Value>.csv</Value></FilterRule>
            </S3Key>
          </Filter>
        </QueueConfiguration>
        <QueueConfiguration>
          <Queue>arn:aws:sqs:us-east-1:000000000000:audit</Queue>
          <Event>s3:ObjectCreated:Put</Event>
          <Event>s3:ObjectRemoved:Delete</Event>
        </QueueConfiguration>
      </NotificationConfiguration>`;

    const parsed = parseNotificationXml(xml);

    expect(parsed).toEqual([
      {
        queueArn: 'arn:aws:sqs:us-east-1:000000000000:orderflow-local-importOrders-async-events',
        events: ['s3:ObjectCreated:*'],
        prefix: 'incoming/',
        suffix: '.csv',
      },
      {
        queueArn: 'arn:aws:sqs:us-east-1:000000000000:audit',
        events: ['s3:ObjectCreated:Put', 's3:ObjectRemoved:Delete'],
        prefix: undefined,
        suffix: undefined,
      },
    ]);
  });

  it('reads an empty configuration (notifications switched off) as no targets', () => {
    expect(parseNotificationXml('<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>')).toEqual([]);
  });
});

describe('parseNotificationXml with XML entities', () => {
  it('reads escaped prefixes as the SDK sends them, so they match the real keys', () => {
    const xml =
      '<NotificationConfiguration><QueueConfiguration><Queue>arn:aws:sqs:us-east-1:000000000000:q</Queue><Event>s3:ObjectCreated:*</Event>' +
      '<Filter><S3Key><FilterRule><Name>prefix</Name><Value>r&amp;d/</Value></FilterRule></S3Key></Filter></QueueConfiguration></NotificationConfiguration>';

    const [target] = parseNotificationXml(xml);

    expect(target.prefix).toBe('r&d/');
    expect(matches(target, { bucket: 'b', key: 'r&d/x.csv', eventName: 'ObjectCreated:Put' })).toBe(true);
  });
});

describe('matches', () => {
  const imports: QueueNotification = { queueArn: 'arn:aws:sqs:us-east-1:000000000000:q', events: ['s3:ObjectCreated:*'], prefix: 'incoming/', suffix: '.csv' };
  const put = (key: string, eventName = 'ObjectCreated:Put'): ObjectEvent => ({ bucket: 'b', key, eventName });

  it('matches a created object whose key has the prefix and the suffix', () => {
    expect(matches(imports, put('incoming/i-1.csv'))).toBe(true);
  });

  it('does not match a key without the prefix or without the suffix', () => {
    expect(matches(imports, put('reports/i-1.csv'))).toBe(false);
    expect(matches(imports, put('incoming/i-1.txt'))).toBe(false);
    expect(matches(imports, put('x/incoming/i-1.csv'))).toBe(false);
  });

  it('s3:ObjectCreated:* covers every way of creating an object, and nothing else', () => {
    for (const eventName of ['ObjectCreated:Put', 'ObjectCreated:Post', 'ObjectCreated:Copy', 'ObjectCreated:CompleteMultipartUpload']) {
      expect(matches(imports, put('incoming/i-1.csv', eventName))).toBe(true);
    }
    expect(matches(imports, put('incoming/i-1.csv', 'ObjectRemoved:Delete'))).toBe(false);
  });

  it('an exact event name matches that event only', () => {
    const onlyPut: QueueNotification = { queueArn: 'q', events: ['s3:ObjectCreated:Put'] };

    expect(matches(onlyPut, put('any.csv', 'ObjectCreated:Put'))).toBe(true);
    expect(matches(onlyPut, put('any.csv', 'ObjectCreated:Copy'))).toBe(false);
  });

  it('matches any event of its list', () => {
    const both: QueueNotification = { queueArn: 'q', events: ['s3:ObjectCreated:Put', 's3:ObjectRemoved:*'] };

    expect(matches(both, put('k', 'ObjectRemoved:Delete'))).toBe(true);
    expect(matches(both, put('k', 'ObjectCreated:Post'))).toBe(false);
  });

  it('without rules, matches every key', () => {
    expect(matches({ queueArn: 'q', events: ['s3:ObjectCreated:*'] }, put('any/key'))).toBe(true);
  });
});

describe('s3Record', () => {
  const event: ObjectEvent = { bucket: 'orderflow-local-imports', key: 'incoming/i-1.csv', eventName: 'ObjectCreated:Put', size: 42, eTag: 'abc123' };

  it('has the shape of the record S3 sends', () => {
    const record = s3Record('eu-west-1', event);

    expect(record).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'eu-west-1',
      eventName: 'ObjectCreated:Put',
      s3: {
        s3SchemaVersion: '1.0',
        bucket: { name: 'orderflow-local-imports', arn: 'arn:aws:s3:::orderflow-local-imports' },
        object: { key: 'incoming/i-1.csv', size: 42, eTag: 'abc123' },
      },
    });
    expect(Number.isNaN(Date.parse(record.eventTime))).toBe(false);
    expect(record.s3.object.sequencer).toMatch(/^[0-9A-F]+$/);
  });

  it('URL-encodes the key as S3 does: spaces as +, slashes kept, + and non-ASCII escaped', () => {
    const key = 'incoming/My Orders+2026 é.csv';

    const { object } = s3Record('us-east-1', { ...event, key }).s3;

    expect(object.key).toBe('incoming/My+Orders%2B2026+%C3%A9.csv');
    expect(decodeKey(object.key)).toBe(key);
  });

  it('leaves out size and eTag when S3 reports none (a delete)', () => {
    const { object } = s3Record('us-east-1', { bucket: 'b', key: 'k', eventName: 'ObjectRemoved:Delete' }).s3;

    expect(object).not.toHaveProperty('size');
    expect(object).not.toHaveProperty('eTag');
  });
});
