/**
 * Errors a client may see. Everything else is an internal error: logged in full, answered with a
 * generic message. `status` is the HTTP status the one mapping point (lib/http) answers with.
 */
export class ClientError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export type FieldProblem = { field: string; message: string };

export class ValidationError extends ClientError {
  constructor(details: FieldProblem[], message = 'The request is not valid.') {
    super(400, 'VALIDATION_FAILED', message, details);
  }
}

export class InvalidJsonError extends ClientError {
  constructor() {
    super(400, 'INVALID_JSON', 'The request body is not valid JSON.');
  }
}

export class NotFoundError extends ClientError {
  constructor(what: string) {
    super(404, 'NOT_FOUND', `${what} was not found.`);
  }
}

export class IdempotencyConflictError extends ClientError {
  constructor() {
    super(409, 'IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was already used with a different request body.');
  }
}

export class PayloadTooLargeError extends ClientError {
  constructor(limitBytes: number) {
    super(413, 'PAYLOAD_TOO_LARGE', `The request body exceeds ${limitBytes} bytes.`);
  }
}

export class UnsupportedMediaTypeError extends ClientError {
  constructor() {
    super(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be sent as application/json in UTF-8.');
  }
}

export class UnknownSkuError extends ClientError {
  constructor(readonly skus: string[]) {
    super(
      422,
      'UNKNOWN_SKU',
      `These products are not in the catalog: ${skus.join(', ')}.`,
      skus.map((sku) => ({ sku, message: 'unknown SKU' })),
    );
  }
}

/** One order is paid in one currency, so its items must all be priced in the first item's. */
export class MixedCurrenciesError extends ClientError {
  constructor(currency: string, others: { sku: string; currency: string }[]) {
    const currencies = [...new Set([currency, ...others.map((item) => item.currency)])];
    super(
      422,
      'MIXED_CURRENCIES',
      `One order must be priced in one currency; these items are in ${currencies.join(', ')}.`,
      others.map((item) => ({ sku: item.sku, currency: item.currency, message: `is priced in ${item.currency}, not ${currency}` })),
    );
  }
}

/** A state change the order state machine does not allow. */
export class IllegalTransitionError extends Error {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`An order cannot go from ${from} to ${to}.`);
    this.name = 'IllegalTransitionError';
  }
}

/** A failure worth retrying: the message goes back to its source and is delivered again. */
export class TransientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransientError';
  }
}
