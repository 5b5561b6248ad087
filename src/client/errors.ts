import type { ErrorCode } from '../protocol/errors.ts';

/** An error code the client can receive: the server's catalogue, exactly. */
export type ClientErrorCode = ErrorCode;

/** The failure variants of a result, one per failing row of the spec's state-handling matrix (plus 409 and 429). */
export type FailureKind =
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'conflict'
  | 'rateLimited'
  | 'serverError';

/**
 * The variant each error code becomes. A request the server refused as malformed (400, 413, 415) is
 * `validation`; a method the path does not have (405) is `notFound`, like an unknown route.
 */
export const errorVariants = {
  VALIDATION_ERROR: 'validation',
  INVALID_INPUT: 'validation',
  MISSING_FIELD: 'validation',
  UNAUTHORIZED: 'unauthorized',
  INVALID_CREDENTIALS: 'unauthorized',
  TOKEN_EXPIRED: 'unauthorized',
  TOKEN_INVALID: 'unauthorized',
  FORBIDDEN: 'forbidden',
  INSUFFICIENT_PERMISSIONS: 'forbidden',
  NOT_FOUND: 'notFound',
  METHOD_NOT_ALLOWED: 'notFound',
  ALREADY_EXISTS: 'conflict',
  CONFLICT: 'conflict',
  PAYLOAD_TOO_LARGE: 'validation',
  UNSUPPORTED_MEDIA_TYPE: 'validation',
  RATE_LIMITED: 'rateLimited',
  INTERNAL_ERROR: 'serverError',
  SERVICE_UNAVAILABLE: 'serverError',
  DATABASE_ERROR: 'serverError',
} as const satisfies Readonly<Record<ClientErrorCode, FailureKind>>;

/** The codes that become a given variant. */
export type CodesOf<K extends FailureKind> = {
  [C in ClientErrorCode]: (typeof errorVariants)[C] extends K ? C : never;
}[ClientErrorCode];

/** Returns whether a value is a code of the catalogue the client was built with. */
export function isClientErrorCode(value: unknown): value is ClientErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorVariants, value);
}

/**
 * The variant of a failed response by its status alone, for answers that are not an envelope (a
 * proxy's 502 page) or carry a code this client does not know.
 */
export function variantForStatus(status: number): FailureKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 405 || status === 410) return 'notFound';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 429) return 'rateLimited';
  if (status >= 500) return 'serverError';
  return 'validation';
}

/** The 401 codes after which a refresh can help: no access token, or an expired one. */
export const REFRESHABLE_CODES: ReadonlySet<string> = new Set<ClientErrorCode>([
  'UNAUTHORIZED',
  'TOKEN_EXPIRED',
]);
