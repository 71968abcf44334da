import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { InvalidJsonError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../../../lib/errors';
import { jsonBody } from '../../../../lib/http/json-body';

type Request = Parameters<NonNullable<ReturnType<typeof jsonBody>['before']>>[0];

function run(event: Partial<APIGatewayProxyEventV2>, maxBytes = 100): Partial<APIGatewayProxyEventV2> & { body?: unknown } {
  const request = { event: { headers: {}, isBase64Encoded: false, ...event } } as unknown as Request;
  void jsonBody(maxBytes).before!(request);
  return request.event as never;
}

describe('jsonBody', () => {
  it('parses a JSON body', () => {
    expect(run({ headers: { 'content-type': 'application/json' }, body: '{"a":1}' }).body).toEqual({ a: 1 });
  });

  it.each(['application/json; charset=utf-8', 'APPLICATION/JSON', 'application/merge-patch+json', 'application/vnd.api+json'])(
    'accepts the media type %s',
    (type) => {
      expect(run({ headers: { 'content-type': type }, body: '[]' }).body).toEqual([]);
    },
  );

  it('decodes a base64 body first, and says the body is no longer encoded', () => {
    const event = run({ headers: { 'content-type': 'application/json' }, body: Buffer.from('{"a":"é"}').toString('base64'), isBase64Encoded: true });

    expect(event.body).toEqual({ a: 'é' });
    expect(event.isBase64Encoded).toBe(false);
  });

  it.each([
    undefined,
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/jsonp',
    'text/json',
    'application/json; charset=utf-16',
    'application/json; v=2',
  ])('refuses the media type %p', (type) => {
    expect(() => run({ headers: type ? { 'content-type': type } : {}, body: '{}' })).toThrow(UnsupportedMediaTypeError);
  });

  it.each(['', '{', '{"a":1,}', "{'a':1}", 'undefined', 'NaN'])('refuses the malformed JSON %p', (body) => {
    expect(() => run({ headers: { 'content-type': 'application/json' }, body })).toThrow(InvalidJsonError);
  });

  it('refuses a body over the limit, counted in UTF-8 bytes after decoding', () => {
    const fits = `"${'é'.repeat(49)}"`; // 100 bytes
    const over = `"${'é'.repeat(49)}a"`; // 101 bytes

    expect(() => run({ headers: { 'content-type': 'application/json' }, body: fits })).not.toThrow();
    expect(() => run({ headers: { 'content-type': 'application/json' }, body: over })).toThrow(PayloadTooLargeError);
    expect(() => run({ headers: { 'content-type': 'application/json' }, body: Buffer.from(over).toString('base64'), isBase64Encoded: true })).toThrow(
      PayloadTooLargeError,
    );
  });

  it('checks the size before the media type', () => {
    expect(() => run({ headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(101) })).toThrow(PayloadTooLargeError);
  });
});
