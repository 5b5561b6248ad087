import type { ErrorDetails } from '../protocol/errors.ts';
import { errorVariants, isClientErrorCode, variantForStatus } from './errors.ts';
import type { AnyResult, FailureResult } from './results.ts';
import { parseRetryAfter } from './retry-after.ts';

/** The parts of a `fetch` Response the client reads. */
export interface ResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** Reads a response body as JSON; `null` when it is empty or not JSON (a proxy's HTML error page). */
export async function readBody(response: ResponseLike): Promise<unknown> {
  if (response.status === 204) return null;
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMeta(value: unknown): value is { requestId: string; timestamp: string } {
  return isObject(value) && typeof value.requestId === 'string' && typeof value.timestamp === 'string';
}

function isEmptyData(data: unknown): boolean {
  if (Array.isArray(data)) return data.length === 0;
  return isObject(data) && Array.isArray(data.items) && data.items.length === 0;
}

function detailsOf(value: unknown): ErrorDetails {
  if (!isObject(value)) return {};
  const details: ErrorDetails = {};
  for (const [field, messages] of Object.entries(value)) {
    if (Array.isArray(messages)) details[field] = messages.filter((message) => typeof message === 'string');
  }
  return details;
}

function failure(
  status: number,
  body: unknown,
  response: ResponseLike,
  idempotent: boolean,
  now: number,
): FailureResult {
  const error = isObject(body) && body.success === false && isObject(body.error) ? body.error : null;
  const code = error && isClientErrorCode(error.code) ? error.code : null;
  const kind = code ? errorVariants[code] : variantForStatus(status);
  const base = {
    status,
    message: typeof error?.message === 'string' ? error.message : `HTTP ${status}`,
    details: detailsOf(error?.details),
    requestId:
      isObject(body) && isMeta(body.meta) ? body.meta.requestId : response.headers.get('x-request-id'),
  };
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'), now);
  // `code` is one of its variant's codes by construction: the variant was looked up from it.
  const result = { kind, code, ...base } as FailureResult;
  if (result.kind === 'rateLimited') return { ...result, retryAfter };
  if (result.kind === 'serverError') {
    // A 503 was not processed, and an idempotent request may be repeated: both are safe to retry.
    return { ...result, retryable: status === 503 || idempotent, retryAfter };
  }
  return result;
}

function unreadable(response: ResponseLike, status: number, idempotent: boolean, message: string): AnyResult {
  return {
    kind: 'serverError',
    status,
    code: null,
    message,
    details: {},
    requestId: response.headers.get('x-request-id'),
    retryable: idempotent,
    retryAfter: null,
  };
}

/**
 * Turns an HTTP answer into the result variant of its row of the state-handling matrix. A 2xx whose
 * body is not a success envelope is a server error: the client cannot render what it cannot read.
 */
export function toResult(response: ResponseLike, body: unknown, idempotent: boolean, now: number): AnyResult {
  const { status } = response;
  if (status === 204) return { kind: 'noContent', status };
  if (status < 200 || status >= 300) return failure(status, body, response, idempotent, now);
  if (status !== 200 && status !== 201) {
    return unreadable(
      response,
      status,
      idempotent,
      'The server answered with a status the contract does not declare',
    );
  }
  if (!isObject(body) || body.success !== true || !isMeta(body.meta) || !('data' in body)) {
    return unreadable(
      response,
      status,
      idempotent,
      'The server answered with a body that is not an envelope',
    );
  }
  const { data, meta } = body;
  if (status === 201) return { kind: 'created', status, data, meta };
  return { kind: isEmptyData(data) ? 'empty' : 'success', status, data, meta };
}
