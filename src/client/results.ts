import type { RouteData, RouteSpec } from '../protocol/contract.ts';
import type { Meta } from '../protocol/envelope.ts';
import type { ErrorDetails } from '../protocol/errors.ts';
import type { CodesOf, FailureKind } from './errors.ts';

/** 200 with data: render it. */
export interface SuccessResult<T> {
  kind: 'success';
  status: 200;
  data: T;
  meta: Meta;
}

/** 200 with an empty list (`[]` or `items: []`): show the empty state. */
export interface EmptyResult<T> {
  kind: 'empty';
  status: 200;
  data: T;
  meta: Meta;
}

/** 201: show success, redirect. */
export interface CreatedResult<T> {
  kind: 'created';
  status: 201;
  data: T;
  meta: Meta;
}

/** 204: silent success. */
export interface NoContentResult {
  kind: 'noContent';
  status: 204;
}

/** What every failure carries: the status, the code (null when the answer was not an envelope), and the message. */
export interface FailureBase<K extends FailureKind> {
  kind: K;
  status: number;
  code: CodesOf<K> | null;
  message: string;
  /** Field-level messages keyed by camelCase field path; empty when there are none. */
  details: ErrorDetails;
  /** The server's request id, to quote in a bug report; null when the answer had none. */
  requestId: string | null;
}

/** 400 (and 413, 415): show the field errors in `details`. */
export type ValidationResult = FailureBase<'validation'>;

/** 401 after a refresh could not help: redirect to login. */
export type UnauthorizedResult = FailureBase<'unauthorized'>;

/** 403: show a permission error. */
export type ForbiddenResult = FailureBase<'forbidden'>;

/** 404 (and 405): show the not-found state. */
export type NotFoundResult = FailureBase<'notFound'>;

/** 409: the value is taken (`details` names the field) or the resource changed meanwhile. */
export type ConflictResult = FailureBase<'conflict'>;

/** 429: wait `retryAfter` seconds (null when not given); reads were already retried within bounds. */
export interface RateLimitedResult extends FailureBase<'rateLimited'> {
  retryAfter: number | null;
}

/** 5xx: show the error and a retry button. */
export interface ServerErrorResult extends FailureBase<'serverError'> {
  /** Whether retrying is safe: the request is idempotent, or the server said it did not process it (503). */
  retryable: boolean;
  /** Seconds the server asked to wait (503), or null. */
  retryAfter: number | null;
}

/** The last good answer of a read, kept in memory for when the network is gone. */
export interface CachedRead<T> {
  data: T;
  meta: Meta;
  /** When it was received (ms since the epoch). */
  receivedAt: number;
  /** Always true: this is not a fresh answer. */
  stale: true;
}

/**
 * No response at all (the network is down): show the cached data, if any, with an offline banner.
 * Only reads keep answers, so for a write `cached` is always `null`.
 */
export interface OfflineResult<T> {
  kind: 'offline';
  cached: [T] extends [never] ? null : CachedRead<T> | null;
}

/** Every failure variant. */
export type FailureResult =
  | ValidationResult
  | UnauthorizedResult
  | ForbiddenResult
  | NotFoundResult
  | ConflictResult
  | RateLimitedResult
  | ServerErrorResult;

type Declares<R extends RouteSpec, S extends number> = S extends keyof R['responses'] ? true : false;

/** The success variants a route can give, from the statuses it declares. */
export type SuccessVariants<R extends RouteSpec> =
  | (Declares<R, 200> extends true
      ? SuccessResult<RouteData<R, 200>> | EmptyResult<RouteData<R, 200>>
      : never)
  | (Declares<R, 201> extends true ? CreatedResult<RouteData<R, 201>> : never)
  | (Declares<R, 204> extends true ? NoContentResult : never);

/** What a call to a route resolves to: one variant per row of the state-handling matrix. */
export type CallResult<R extends RouteSpec> =
  | SuccessVariants<R>
  | FailureResult
  | OfflineResult<Declares<R, 200> extends true ? RouteData<R, 200> : never>;

/** Any result, whatever the route. */
export type AnyResult =
  | SuccessResult<unknown>
  | EmptyResult<unknown>
  | CreatedResult<unknown>
  | NoContentResult
  | FailureResult
  | OfflineResult<unknown>;
