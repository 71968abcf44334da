import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { InvalidJsonError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors';

// application/json or application/<x>+json, with no parameter but an optional UTF-8 charset.
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;\s*charset="?utf-8"?\s*)?$/i;

/**
 * Size limit, media type and JSON parsing, each with its own error. (@middy/http-json-body-parser
 * answers 415 for both a wrong media type and malformed JSON; SPEC tells them apart.)
 */
export function jsonBody(maxBytes: number): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: ({ event }) => {
      const raw = event.body ?? '';
      const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      if (Buffer.byteLength(text, 'utf8') > maxBytes) throw new PayloadTooLargeError(maxBytes);
      if (!JSON_MEDIA_TYPE.test(event.headers?.['content-type'] ?? '')) throw new UnsupportedMediaTypeError();
      try {
        (event as { body: unknown }).body = JSON.parse(text);
      } catch {
        throw new InvalidJsonError();
      }
      event.isBase64Encoded = false;
    },
  };
}
