import { errorResponse } from '../../../../lib/http/error-response';
import {
  IdempotencyConflictError,
  IllegalTransitionError,
  InvalidJsonError,
  NotFoundError,
  PayloadTooLargeError,
  TransientError,
  UnknownSkuError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../../../lib/errors';

const bodyOf = (response: ReturnType<typeof errorResponse>) => JSON.parse(response.body as string);

describe('errorResponse', () => {
  it.each([
    [
      new ValidationError([{ field: 'items', message: 'must hold at least one item' }]),
      400,
      'VALIDATION_FAILED',
      [{ field: 'items', message: 'must hold at least one item' }],
    ],
    [new InvalidJsonError(), 400, 'INVALID_JSON', []],
    [new NotFoundError('Order'), 404, 'NOT_FOUND', []],
    [new IdempotencyConflictError(), 409, 'IDEMPOTENCY_CONFLICT', []],
    [new PayloadTooLargeError(65536), 413, 'PAYLOAD_TOO_LARGE', []],
    [new UnsupportedMediaTypeError(), 415, 'UNSUPPORTED_MEDIA_TYPE', []],
    [new UnknownSkuError(['SKU-404']), 422, 'UNKNOWN_SKU', [{ sku: 'SKU-404', message: 'unknown SKU' }]],
  ])('answers %p with its status, code, message and details', (error, status, code, details) => {
    const response = errorResponse(error);

    expect(response.statusCode).toBe(status);
    expect(response.headers).toEqual({ 'content-type': 'application/json' });
    expect(bodyOf(response)).toEqual({ error: { code, message: error.message, details } });
  });

  it('says what was not found', () => {
    expect(bodyOf(errorResponse(new NotFoundError('Import'))).error.message).toBe('Import was not found.');
  });

  it.each([
    ['an internal Error', new Error('connect ECONNREFUSED 10.0.3.7:8000 password=hunter2')],
    ['a transient error', new TransientError('Payment gateway unavailable (attempt 1)')],
    ['an illegal transition', new IllegalTransitionError('CONFIRMED', 'PENDING')],
    ['a thrown string', 'ECONNREFUSED at /var/task/index.js:1'],
    ['a thrown object', { message: 'secret', stack: 'at /var/task/index.js' }],
    ['undefined', undefined],
  ])('answers %s with a generic 500 that leaks nothing', (_label, error) => {
    const response = errorResponse(error);

    expect(response.statusCode).toBe(500);
    expect(bodyOf(response)).toEqual({
      error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side; please retry later.', details: [] },
    });
    for (const leak of ['ECONNREFUSED', 'hunter2', 'gateway', 'CONFIRMED', 'var/task', 'secret']) {
      expect(response.body).not.toContain(leak);
    }
  });
});
