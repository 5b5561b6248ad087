/** The areas `tenet check` probes; `--only` takes a comma-separated list of them. */
export const checkAreas = [
  'envelope',
  'representation',
  'openapi',
  'pagination',
  'auth',
  'csrf',
  'validation',
] as const;

/** One area of the protocol. */
export type CheckArea = (typeof checkAreas)[number];

/** A rule of `tenet check`: its area, what it asserts, and how to fix a breach. */
export interface CheckRule {
  /** `run` holds the run's own health and is always reported. */
  area: CheckArea | 'run';
  title: string;
  fix: string;
  /**
   * `warning` for what the protocol recommends beyond its letter: reported, never fails the run.
   * @default 'error'
   */
  severity?: 'warning';
}

/**
 * Every rule `tenet check` reports, keyed by its stable id. Data, so the report, the docs test and
 * the JSON output read one list.
 */
export const checkRules = {
  'envelope.json': {
    area: 'envelope',
    title: 'every answer with a body is a JSON envelope',
    fix: 'Answer every API request with `application/json` and the envelope (204 has no body).',
  },
  'envelope.shape': {
    area: 'envelope',
    title: '`success` is a boolean; success carries `data`, failure carries `error` {code, message}',
    fix: 'Wrap answers as `{ success: true, data, meta }` or `{ success: false, error: { code, message, details? }, meta }`.',
  },
  'envelope.request-id': {
    area: 'envelope',
    title: '`meta.requestId` is a non-empty string',
    fix: 'Put the request id (incoming `X-Request-Id` or a new UUID) in `meta.requestId` of every envelope.',
  },
  'envelope.timestamp': {
    area: 'envelope',
    title: '`meta.timestamp` is ISO 8601',
    fix: 'Write `meta.timestamp` as `new Date().toISOString()`.',
  },
  'envelope.error-code': {
    area: 'envelope',
    title: 'error codes come from the catalogue',
    fix: 'Use only the catalogue codes (VALIDATION_ERROR, UNAUTHORIZED, NOT_FOUND, ...); see docs/errors.md.',
  },
  'envelope.error-status': {
    area: 'envelope',
    title: 'each error code is sent with the status the catalogue maps it to',
    fix: 'Derive the HTTP status from the code (VALIDATION_ERROR 400, UNAUTHORIZED 401, FORBIDDEN 403, ...).',
  },
  'envelope.no-error-with-2xx': {
    area: 'envelope',
    title: 'no 2xx status with an error body, no error status with a success body',
    fix: 'Send the error status (4xx/5xx) with `success: false`; never 200 for a failure.',
  },
  'envelope.not-found': {
    area: 'envelope',
    title: 'an unknown route answers 404 NOT_FOUND in the envelope',
    fix: 'Register a not-found handler that throws NOT_FOUND through the one error handler.',
  },
  'envelope.method-not-allowed': {
    area: 'envelope',
    title: 'a known path with a wrong method answers 405 METHOD_NOT_ALLOWED with `Allow`',
    fix: 'Answer 405 with an `Allow` header listing the path’s methods (RFC 9110), in the envelope.',
  },
  'representation.snake-case': {
    area: 'representation',
    title: 'no snake_case keys in any JSON body',
    fix: 'Map records to the API shape explicitly (`toApi()`): `created_at` -> `createdAt`.',
  },
  'representation.secret-field': {
    area: 'representation',
    title: 'no password, hash, secret or token fields (or hash values) in any body',
    fix: 'Pick the fields of a representation explicitly; never serialize the record.',
  },
  'representation.timestamp': {
    area: 'representation',
    title: 'timestamps are ISO 8601 strings',
    fix: 'Write every timestamp as `date.toISOString()`, never epoch numbers or locale strings.',
  },
  'representation.sequential-id': {
    area: 'representation',
    title: 'public ids are not sequential integers',
    fix: 'Use UUIDs (or ULIDs) for public resources; keep identity columns internal.',
  },
  'openapi.response-schema': {
    area: 'openapi',
    title: 'every answer matches the response schema of its operation and status in the OpenAPI document',
    fix: 'Make the handler answer what the document declares, or declare what it answers.',
  },
  'pagination.object': {
    area: 'pagination',
    title: 'lists answer `{ items, pagination }` with the full pagination object',
    fix: 'Return page, pageSize, totalItems, totalPages, hasNextPage and hasPreviousPage.',
  },
  'pagination.math': {
    area: 'pagination',
    title: 'the pagination numbers agree with each other and with the items',
    fix: 'totalPages = ceil(totalItems / pageSize); hasNextPage = page < totalPages; hasPreviousPage = page > 1.',
  },
  'pagination.params': {
    area: 'pagination',
    title: '`page` and `pageSize` are honoured',
    fix: 'Read page and pageSize from the query and echo them in the pagination object.',
  },
  'pagination.sort': {
    area: 'pagination',
    title: '`sortBy` and `sortOrder` are honoured',
    fix: 'ORDER BY the allow-listed column in the asked direction.',
  },
  'pagination.out-of-range': {
    area: 'pagination',
    title: 'out-of-range or malformed paging parameters are 400, not clamped',
    fix: 'Validate page >= 1, 1 <= pageSize <= 100, sortBy from an allow-list, sortOrder asc|desc.',
  },
  'pagination.stable': {
    area: 'pagination',
    title: 'no item repeats or goes missing across pages',
    fix: 'Make the order total: add the id as the last ORDER BY key.',
  },
  'auth.cookie-httponly': {
    area: 'auth',
    title: 'session cookies are HttpOnly (only the CSRF cookie is readable by script)',
    fix: 'Set `HttpOnly` on the access and refresh cookies.',
  },
  'auth.cookie-secure': {
    area: 'auth',
    title: 'session cookies are Secure',
    fix: 'Set `Secure` on every auth cookie.',
  },
  'auth.cookie-samesite': {
    area: 'auth',
    title: 'session cookies are SameSite=Strict (or Lax)',
    fix: 'Set `SameSite=Strict` on every auth cookie.',
  },
  'auth.cookie-path': {
    area: 'auth',
    title: 'the access cookie has Path=/, the refresh cookie a path limited to the auth endpoints',
    fix: 'Set `Path=/` on the access cookie and `Path=/api/auth` on the refresh cookie.',
  },
  'auth.cookie-lifetime': {
    area: 'auth',
    title: 'the access cookie lives at most 15 minutes, the refresh cookie at most 7 days',
    fix: 'Set `Max-Age=900` on the access cookie and `Max-Age=604800` (or less) on the refresh cookie.',
  },
  'auth.token-in-body': {
    area: 'auth',
    title: 'no token (JWT or token field) in any response body',
    fix: 'Send tokens only in HttpOnly cookies; answer login and refresh with the user.',
  },
  'auth.login': {
    area: 'auth',
    title: 'login with valid credentials answers 200 and sets the session cookies',
    fix: 'POST /api/auth/login answers 200 with the user and Set-Cookie for the session.',
  },
  'auth.me-requires-session': {
    area: 'auth',
    title: '/me answers 401 without a session and 200 with one',
    fix: 'Guard GET /api/auth/me: 401 UNAUTHORIZED when no valid access cookie arrives.',
  },
  'auth.refresh-rotates': {
    area: 'auth',
    title: 'refresh issues a new refresh token',
    fix: 'On refresh, issue a new refresh token and invalidate the one presented.',
  },
  'auth.refresh-reuse-refused': {
    area: 'auth',
    title: 'a rotated refresh token is refused (or, in a grace window, answered with the same successor)',
    fix: 'Refuse a refresh token presented again after rotation with 401 and revoke its family (RFC 9700).',
  },
  'auth.logout-clears-cookies': {
    area: 'auth',
    title: 'logout clears every session cookie',
    fix: 'Answer logout with Set-Cookie clearing each cookie (Max-Age=0) with the attributes it was set with.',
  },
  'auth.logout-revokes': {
    area: 'auth',
    title: 'after logout the old refresh token is refused',
    fix: 'Invalidate the refresh token server-side on logout (delete or revoke its row).',
  },
  'auth.logout-revokes-access': {
    area: 'auth',
    title: 'after logout the old access token is refused at once (not only when it expires)',
    fix: 'Put the session id in the access token and refuse tokens of revoked sessions (a revocation list).',
    severity: 'warning',
  },
  'csrf.required': {
    area: 'csrf',
    title: 'a state-changing request with the session but without X-CSRF-Token is refused with 403',
    fix: 'Check X-CSRF-Token against the csrf_token cookie on every write that carries a session cookie.',
  },
  'validation.status': {
    area: 'validation',
    title: 'a bad body is refused with 400',
    fix: 'Validate bodies with a schema and answer 400 VALIDATION_ERROR (or MISSING_FIELD).',
  },
  'validation.details': {
    area: 'validation',
    title: 'a 400 for a bad body names the fields in `error.details`',
    fix: 'Put field-level messages in `error.details`: `{ email: ["Invalid email"] }`.',
  },
  'run.complete': {
    area: 'run',
    title: 'the run finished within its request budget, every request answered',
    fix: 'Check that the base URL is reachable; raise --max-requests or --timeout if needed.',
  },
} as const satisfies Record<string, CheckRule>;

/** A rule id, such as `auth.cookie-httponly`. */
export type CheckRuleId = keyof typeof checkRules;
