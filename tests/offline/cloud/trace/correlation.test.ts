import { keysOfEvent, keysOfResponse } from '../../../../offline/cloud/trace/correlation';
import { describeTrigger } from '../../../../offline/cloud/trace/tracer';
import type { Hop } from '../../../../offline/cloud/trace/hop';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

describe('correlation ids, per source', () => {
  it('HTTP: the x-correlation-id header, whatever its case', () => {
    expect(keysOfEvent({ requestContext: { http: { method: 'POST' } }, headers: { 'X-Correlation-Id': 'h1' } }).correlationIds).toEqual(['h1']);
  });
  it('SQS: the correlationId message attribute, the body, the message id', () => {
    const keys = keysOfEvent({
      Records: [
        { eventSource: 'aws:sqs', messageId: 'm1', messageAttributes: { correlationId: { stringValue: 'a1', dataType: 'String' } }, body: 'x' },
        { eventSource: 'aws:sqs', messageId: 'm2', body: '{"correlationId":"b2"}' },
      ],
    });
    expect(keys).toEqual({ correlationIds: ['a1', 'b2'], links: ['msg:m1', 'msg:m2'] });
  });
  it('SQS carrying an SNS envelope: its attributes and the SNS message id', () => {
    const body = JSON.stringify({
      Type: 'Notification',
      TopicArn: 't',
      MessageId: 'sns-1',
      Message: '{}',
      MessageAttributes: { correlationId: { Type: 'String', Value: 'e1' } },
    });
    expect(keysOfEvent({ Records: [{ eventSource: 'aws:sqs', messageId: 'q', body }] })).toEqual({ correlationIds: ['e1'], links: ['msg:q', 'msg:sns-1'] });
  });
  it('SNS: MessageAttributes, Message, MessageId', () => {
    const keys = keysOfEvent({ Records: [{ EventSource: 'aws:sns', Sns: { MessageId: 's1', Message: '{"correlationId":"n1"}', MessageAttributes: {} } }] });
    expect(keys).toEqual({ correlationIds: ['n1'], links: ['msg:s1'] });
  });
  it('Kinesis: the JSON record data', () => {
    expect(keysOfEvent({ Records: [{ eventSource: 'aws:kinesis', kinesis: { data: b64({ correlationId: 'k1' }) } }] }).correlationIds).toEqual(['k1']);
  });
  it('DynamoDB Streams: the new image, else the old one', () => {
    const keys = keysOfEvent({
      Records: [
        { eventSource: 'aws:dynamodb', dynamodb: { NewImage: { correlationId: { S: 'd1' } } } },
        { eventSource: 'aws:dynamodb', dynamodb: { OldImage: { correlationId: { S: 'd2' } } } },
      ],
    });
    expect(keys.correlationIds).toEqual(['d1', 'd2']);
  });
  it('S3: the object key links to the put that carried the metadata', () => {
    const keys = keysOfEvent({ Records: [{ eventSource: 'aws:s3', s3: { bucket: { name: 'b' }, object: { key: 'incoming/a+b.csv' } } }] });
    expect(keys.links).toEqual(['s3:b/incoming/a b.csv']);
  });
  it('EventBridge: the detail, the event id; a destination record: the event it was about', () => {
    expect(keysOfEvent({ id: 'e', 'detail-type': 'OrderPlaced', detail: { correlationId: 'x1' } })).toEqual({ correlationIds: ['x1'], links: ['event:e'] });
    const record = {
      requestContext: { condition: 'RetriesExhausted' },
      requestPayload: { Records: [{ EventSource: 'aws:sns', Sns: { MessageId: 's', MessageAttributes: { correlationId: { Value: 'r1' } } } }] },
    };
    expect(keysOfEvent(record).correlationIds).toEqual(['r1']);
    expect(
      keysOfEvent({ 'detail-type': 'Lambda Function Invocation Result - Success', detail: { ...record, requestPayload: { correlationId: 'r2' } } })
        .correlationIds,
    ).toEqual(['r2']);
  });
  it('a response: the header, the field, the JSON body', () => {
    const empty = () => ({ correlationIds: [], links: [] });
    expect(keysOfResponse({ statusCode: 201, headers: { 'x-correlation-id': 'r' }, body: '{"correlationId":"r"}' }, empty()).correlationIds).toEqual(['r']);
    expect(keysOfResponse({ correlationId: 'f' }, empty()).correlationIds).toEqual(['f']);
  });
  it('names the trigger of an invocation, and the attempt of an SQS one', () => {
    const http: Hop = {
      kind: 'invocation',
      at: 0,
      outcome: 'ok',
      event: { requestContext: { http: { method: 'POST' } }, headers: {}, rawPath: '/orders' },
      response: { statusCode: 201 },
    };
    describeTrigger(http);
    expect(http).toMatchObject({ trigger: 'http', method: 'POST', path: '/orders', status: 201 });
    const sqs: Hop = {
      kind: 'invocation',
      at: 0,
      outcome: 'error',
      event: { Records: [{ eventSource: 'aws:sqs', attributes: { ApproximateReceiveCount: '3' } }] },
    };
    describeTrigger(sqs);
    expect(sqs).toMatchObject({ trigger: 'sqs', attempt: 3 });
    const schedule: Hop = { kind: 'invocation', at: 0, outcome: 'ok', event: { 'detail-type': 'Scheduled Event' } };
    describeTrigger(schedule);
    expect(schedule.trigger).toBe('schedule');
  });
});
