import type { FastifyReply, FastifyRequest } from 'fastify';
import { databaseErrorToAppError } from '../db/errors.ts';
import { createMeta, failureEnvelope } from '../protocol/envelope.ts';
import { AppError, type ErrorCode } from '../protocol/errors.ts';

/** Seconds a client is asked to wait when the server is overloaded. */
export const OVERLOAD_RETRY_AFTER_SECONDS = 10;

const FRAMEWORK_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Request bodies must be application/json',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'INVALID_INPUT',
    message: 'Request body is empty but Content-Type is application/json',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'INVALID_INPUT',
    message: 'Request body is not valid JSON, or has a forbidden __proto__ or constructor key',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'INVALID_INPUT',
    message: 'Content-Length does not match the body',
  },
  FST_ERR_BAD_URL: { code: 'INVALID_INPUT', message: 'The URL is not valid' },
};

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'INVALID_INPUT',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * Turns anything thrown while handling a request into an {@link AppError}: our own errors pass
 * through, database errors are mapped by `db/`, framework errors by their code or status, and
 * everything else becomes a generic INTERNAL_ERROR (the original is only logged).
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const database = databaseErrorToAppError(error);
  if (database) return database;
  const framework = error as { code?: unknown; statusCode?: unknown };
  const known = typeof framework.code === 'string' ? FRAMEWORK_ERRORS[framework.code] : undefined;
  if (known) return new AppError(known.code, { message: known.message, cause: error });
  const status = typeof framework.statusCode === 'number' ? framework.statusCode : 500;
  if (status === 503 || status === 429) {
    const code = STATUS_CODES[status] ?? 'SERVICE_UNAVAILABLE';
    return new AppError(code, {
      headers: { 'Retry-After': String(OVERLOAD_RETRY_AFTER_SECONDS) },
      cause: error,
    });
  }
  if (status >= 400 && status < 500) {
    return new AppError(STATUS_CODES[status] ?? 'INVALID_INPUT', { cause: error });
  }
  return new AppError('INTERNAL_ERROR', { cause: error });
}

/** Sends an error as the failure envelope with its status and headers. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  if (error.headers) reply.headers(error.headers);
  for (const cookie of error.cookies ?? []) reply.setCookie(cookie.name, cookie.value, cookie.options);
  return reply
    .status(error.status)
    .send(
      failureEnvelope(
        { code: error.code, message: error.message, details: error.details },
        createMeta(request.id),
      ),
    );
}

/**
 * The one error handler: logs 5xx in full with the request id, answers with a generic envelope.
 * A 503 the server chose (overload, every hashing slot taken) is back-pressure working as designed
 * and logs at warn; a 503 that something failing caused (the database) and every 500 log at error.
 */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = toAppError(error);
  if (appError.status >= 500) {
    const refused = error instanceof AppError && error.code === 'SERVICE_UNAVAILABLE';
    if (refused) request.log.warn({ code: appError.code, reason: appError.message }, 'request refused');
    else request.log.error({ err: error, code: appError.code }, 'request failed');
  }
  return sendError(request, reply, appError);
}
