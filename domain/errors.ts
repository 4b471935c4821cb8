/**
 * The one enum of error codes. Workflows and activities throw ApplicationFailure with one of these as
 * `type`; the API maps them to HTTP statuses in one place (api/errors.ts).
 */
export const ErrorCode = {
  VALIDATION: 'VALIDATION',
  /** The request could not be read at all: malformed JSON, a bad URL, an empty body declared as JSON. */
  MALFORMED_REQUEST: 'MALFORMED_REQUEST',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  WRONG_STAGE: 'WRONG_STAGE',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  LOCKED_OUT: 'LOCKED_OUT',
  UNAVAILABLE: 'UNAVAILABLE',
  NO_HANDLER_AVAILABLE: 'NO_HANDLER_AVAILABLE',
  /** A one-time link (sign-in, survey) that was already used or has expired. */
  LINK_EXPIRED: 'LINK_EXPIRED',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const httpStatusOf: Record<ErrorCode, number> = {
  VALIDATION: 422,
  MALFORMED_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  WRONG_STAGE: 409,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  LOCKED_OUT: 429,
  UNAVAILABLE: 503,
  NO_HANDLER_AVAILABLE: 503,
  LINK_EXPIRED: 410,
  INTERNAL: 500,
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in httpStatusOf;
}
