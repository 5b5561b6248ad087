import { z } from 'zod';
import { commonErrorCodes, type HttpMethod, type RouteSpec } from './contract.ts';
import { failureEnvelopeSchema } from './envelope.ts';
import { type ErrorCode, errorCatalogue, errorCodes } from './errors.ts';
import { toSchema, withSharedParts } from './openapi-schema.ts';
import type { OpenApiResponse, Reference } from './openapi-types.ts';

const WRITE_METHODS: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Statuses whose responses carry `Retry-After`. */
const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

const STATUS_TITLES: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Not authenticated',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Server error',
  503: 'Service unavailable',
};

/** The example `details` of the codes that carry them (the spec's own validation example). */
const EXAMPLE_DETAILS: Partial<Record<ErrorCode, Record<string, string[]>>> = {
  VALIDATION_ERROR: { email: ['Must be a valid email address'], password: ['Must be at least 8 characters'] },
  MISSING_FIELD: { email: ['Required'] },
  ALREADY_EXISTS: { email: ['Already exists'] },
};

const EXAMPLE_META = {
  requestId: '6f1c2a3e-8d4b-4f7a-9c1e-2b3d4e5f6a7b',
  timestamp: '2026-01-15T10:30:00.000Z',
};

/**
 * The error codes a route can answer with: its own, those of every route, VALIDATION_ERROR (an
 * unknown query parameter), MISSING_FIELD when it takes a body or query, a bad or unknown path id when it has path parameters, authentication when
 * it is not public, role checks when it is admin-only, and FORBIDDEN for writes (CSRF and Origin
 * checks) and for signed-in routes (a deactivated account). In catalogue order.
 */
export function routeErrorCodes(route: RouteSpec): ErrorCode[] {
  const codes = new Set<ErrorCode>([...route.errors, ...commonErrorCodes]);
  // Every route refuses an unknown query parameter, even one that takes no query.
  codes.add('VALIDATION_ERROR');
  if (route.body || route.query) codes.add('MISSING_FIELD');
  if (route.params) {
    codes.add('INVALID_INPUT');
    codes.add('NOT_FOUND');
  }
  if (route.access !== 'public') {
    codes.add('UNAUTHORIZED');
    codes.add('TOKEN_EXPIRED');
    codes.add('TOKEN_INVALID');
    codes.add('FORBIDDEN');
  }
  if (route.access === 'admin') codes.add('INSUFFICIENT_PERMISSIONS');
  if (WRITE_METHODS.has(route.method)) codes.add('FORBIDDEN');
  return errorCodes.filter((code) => codes.has(code));
}

/** Groups error codes by their HTTP status, in ascending status order. */
export function groupByStatus(codes: readonly ErrorCode[]): Map<number, ErrorCode[]> {
  const groups = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = errorCatalogue[code].status;
    groups.set(status, [...(groups.get(status) ?? []), code]);
  }
  return new Map([...groups].sort(([a], [b]) => a - b));
}

/** The component name of the response for a set of codes: `ForbiddenOrInsufficientPermissions`. */
export function errorResponseName(codes: readonly ErrorCode[]): string {
  return codes
    .map((code) =>
      code
        .toLowerCase()
        .split('_')
        .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
        .join(''),
    )
    .join('Or');
}

/** Response headers by status: `X-Request-Id` always, `Retry-After` on 429 and 503, `Allow` on 405. */
export function headersFor(status: number): Record<string, Reference> {
  const headers: Record<string, Reference> = { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };
  if (RETRY_AFTER_STATUSES.has(status)) headers['Retry-After'] = { $ref: '#/components/headers/RetryAfter' };
  if (status === 405) headers.Allow = { $ref: '#/components/headers/Allow' };
  return headers;
}

/** The failure response of one status: the envelope with `error.code` limited to `codes`, an example for each. */
export function errorResponse(status: number, codes: readonly ErrorCode[]): OpenApiResponse {
  const schema = failureEnvelopeSchema.extend({
    error: failureEnvelopeSchema.shape.error.extend({ code: z.enum(codes as [ErrorCode, ...ErrorCode[]]) }),
  });
  const list = codes.map((code) => `\`${code}\` (${errorCatalogue[code].message})`).join(', ');
  return {
    description: `${STATUS_TITLES[status] ?? 'Error'}: ${list}.`,
    headers: headersFor(status),
    content: {
      'application/json': {
        schema: withSharedParts(toSchema(schema, 'output')),
        examples: Object.fromEntries(codes.map((code) => [code, { $ref: `#/components/examples/${code}` }])),
      },
    },
  };
}

/** The example failure envelope of one code, with the catalogue's message. */
export function errorExample(code: ErrorCode): { summary: string; value: unknown } {
  const details = EXAMPLE_DETAILS[code];
  return {
    summary: errorCatalogue[code].message,
    value: {
      success: false,
      error: { code, message: errorCatalogue[code].message, ...(details ? { details } : {}) },
      meta: EXAMPLE_META,
    },
  };
}
