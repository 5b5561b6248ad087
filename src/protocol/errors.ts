import type { CookieInstruction } from './handler.ts';

/**
 * The one error catalogue: every code the API can return, its HTTP status and its default message.
 * The spec's sixteen codes and statuses exactly, plus three for proper HTTP (413, 415, 405).
 */
export const errorCatalogue = {
  VALIDATION_ERROR: { status: 400, message: 'Validation failed' },
  INVALID_INPUT: { status: 400, message: 'Invalid input' },
  MISSING_FIELD: { status: 400, message: 'Required field missing' },
  UNAUTHORIZED: { status: 401, message: 'Authentication required' },
  INVALID_CREDENTIALS: { status: 401, message: 'Invalid email or password' },
  TOKEN_EXPIRED: { status: 401, message: 'Access token expired' },
  TOKEN_INVALID: { status: 401, message: 'Access token invalid' },
  FORBIDDEN: { status: 403, message: 'Forbidden' },
  INSUFFICIENT_PERMISSIONS: { status: 403, message: 'Insufficient permissions' },
  NOT_FOUND: { status: 404, message: 'Resource not found' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed' },
  ALREADY_EXISTS: { status: 409, message: 'Resource already exists' },
  CONFLICT: { status: 409, message: 'Conflict' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Payload too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported media type' },
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  INTERNAL_ERROR: { status: 500, message: 'Internal server error' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'Service unavailable' },
  DATABASE_ERROR: { status: 500, message: 'Database error' },
} as const satisfies Record<string, { status: number; message: string }>;

/** A machine-readable error code, UPPER_SNAKE. */
export type ErrorCode = keyof typeof errorCatalogue;

/** Every error code, in catalogue order. */
export const errorCodes = Object.freeze(Object.keys(errorCatalogue) as ErrorCode[]);

/** Field-level messages keyed by the camelCase field path (`email`, `address.city`). */
export type ErrorDetails = Record<string, string[]>;

/** Options for an {@link AppError} beyond its code. */
export interface AppErrorOptions {
  message?: string;
  details?: ErrorDetails;
  /** Response headers the error carries, such as `Retry-After` or `Allow`. */
  headers?: Record<string, string>;
  /** Cookies to set with the error, such as clearing the session after a failed refresh. */
  cookies?: readonly CookieInstruction[];
  cause?: unknown;
}

/** Returns whether a string is a code of the catalogue. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalogue, value);
}

/** An expected failure with a catalogue code; the one error handler turns it into the envelope. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetails | undefined;
  readonly headers: Record<string, string> | undefined;
  readonly cookies: readonly CookieInstruction[] | undefined;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.message ?? errorCatalogue[code].message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.details = options.details;
    this.headers = options.headers;
    this.cookies = options.cookies;
  }
}
