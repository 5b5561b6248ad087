import type { Contract, HttpMethod, RouteManifest, RouteSpec } from '../protocol/contract.ts';
import { ReadCache } from './cache.ts';
import { readCookie } from './cookies.ts';
import { REFRESHABLE_CODES } from './errors.ts';
import {
  type BroadcastChannelLike,
  createRefreshCoordinator,
  type LockManagerLike,
  REFRESH_LOCK,
  type RefreshOutcome,
} from './refresh.ts';
import { fillPath, queryString } from './request.ts';
import { type ResponseLike, readBody, toResult } from './response.ts';
import type {
  AnyResult,
  CallResult,
  OfflineResult,
  RateLimitedResult,
  ServerErrorResult,
} from './results.ts';
import { sleep } from './retry-after.ts';
import type { RouteName, RouteOf } from './routes.ts';
import type { CallOptions, UntypedCallOptions } from './types.ts';

/** The `fetch` the client calls: the browser's, or a fake in tests. */
export type FetchLike = (url: string, init: RequestInit) => Promise<ResponseLike>;

/** How a client is set up; every field but `routes` has a browser default. */
export interface ClientOptions<C extends Contract = Contract> {
  /**
   * Method and path of each route of the app's contract: `routeManifest(contract)` where the
   * contract can be imported, or `manifestFromOpenApi(document)` from the app's OpenAPI document.
   */
  routes: RouteManifest<C>;
  /** Prefix of every URL, such as `https://api.example.com`. @default '' (same origin) */
  baseUrl?: string;
  /** @default globalThis.fetch */
  fetch?: FetchLike;
  /** Returns the page's cookies, to read `csrf_token`. @default () => document.cookie */
  cookies?: () => string;
  /** Web Locks, to refresh in one tab at a time. @default navigator.locks, or null */
  locks?: LockManagerLike | null;
  /** A channel shared by the tabs. @default a BroadcastChannel, or null */
  channel?: BroadcastChannelLike | null;
  /** The longest a refresh, or a wait for another tab's refresh, may take. @default 10000 */
  refreshTimeoutMs?: number;
  /** How many times a read is retried after 429 or 503 with `Retry-After`. @default 2 */
  maxReadRetries?: number;
  /** A `Retry-After` longer than this is returned to the caller rather than waited for. @default 10000 */
  maxRetryDelayMs?: number;
  /** How many reads' last good answers are kept for offline use. @default 100 */
  cacheSize?: number;
  /** @default Date.now */
  now?: () => number;
  /** Waits between retries. @default setTimeout-based */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

type CallArgs<R extends RouteSpec> =
  Record<never, never> extends CallOptions<R> ? [options?: CallOptions<R>] : [options: CallOptions<R>];

/** A typed client of an app's contract. */
export interface TenetClient<C extends Contract> {
  /** Calls a route by name; never throws for an HTTP or network failure, only returns a result variant. */
  call<N extends RouteName<C>>(name: N, ...args: CallArgs<RouteOf<C, N>>): Promise<CallResult<RouteOf<C, N>>>;
  /** Forgets every cached read (the client does so itself on sign-out and when a session ends). */
  clearCache(): void;
  /** Stops listening to other tabs. */
  close(): void;
}

/** The auth routes the client knows by name: it refreshes with one and forgets its cache after the other. */
const REFRESH_ROUTE = 'refreshSession';
const LOGOUT_ROUTE = 'logout';

const WRITE_METHODS: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE']);

function isNetworkError(error: unknown): boolean {
  // fetch rejects with a TypeError when there is no response at all (offline, DNS, reset).
  return error instanceof TypeError;
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'TimeoutError';
}

function defaultChannel(): BroadcastChannelLike | null {
  return typeof BroadcastChannel === 'function' ? new BroadcastChannel(REFRESH_LOCK) : null;
}

function defaultLocks(): LockManagerLike | null {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (!locks) return null;
  return { request: (name, options, callback) => locks.request(name, options, callback) };
}

/**
 * Creates the browser client: cookies go along (`credentials: 'include'`), writes carry the CSRF
 * header, a 401 is refreshed once and retried, reads honour `Retry-After` and fall back to their
 * last good answer when offline, and every answer becomes a result variant of the state matrix.
 */
export function createClient<C extends Contract>(options: ClientOptions<C>): TenetClient<C> {
  // Read through a Map: a route name comes from the caller, never indexes a plain object.
  const routes = new Map<string, { method: HttpMethod; path: string }>(Object.entries(options.routes));
  const baseUrl = options.baseUrl ?? '';
  const fetchResponse: FetchLike = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const cookies = options.cookies ?? (() => globalThis.document?.cookie ?? '');
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  const maxReadRetries = options.maxReadRetries ?? 2;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 10_000;
  const cache = new ReadCache(options.cacheSize ?? 100);
  const channel = options.channel === undefined ? defaultChannel() : options.channel;

  function send(method: HttpMethod, url: string, body: unknown, signal?: AbortSignal): Promise<ResponseLike> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (WRITE_METHODS.has(method)) {
      // Double submit: read the cookie at each send, since a refresh may have rotated it.
      const token = readCookie(cookies(), 'csrf_token');
      if (token) headers['X-CSRF-Token'] = token;
    }
    return fetchResponse(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      // The session lives in HttpOnly cookies, which only go along with credentials.
      credentials: 'include',
      signal,
    });
  }

  // Why the last refresh this page sent was not possible, for the calls that waited on it.
  let refreshFailure: RateLimitedResult | ServerErrorResult | null = null;
  const refresher = createRefreshCoordinator({
    locks: options.locks === undefined ? defaultLocks() : options.locks,
    channel,
    timeoutMs: options.refreshTimeoutMs ?? 10_000,
    now,
    async send(signal): Promise<RefreshOutcome> {
      const refresh = routes.get(REFRESH_ROUTE);
      if (refresh === undefined) return 'failed';
      const { method, path } = refresh;
      try {
        const response = await send(method, baseUrl + path, undefined, signal);
        const result = toResult(response, await readBody(response), false, now());
        if (result.kind === 'success') return 'refreshed';
        if (result.kind === 'rateLimited' || result.kind === 'serverError') {
          refreshFailure = result;
          return 'unavailable';
        }
        return 'failed';
      } catch (error) {
        if (isNetworkError(error) || isTimeout(error)) return 'offline';
        throw error;
      }
    },
  });

  function offline(key: string | null): OfflineResult<unknown> {
    return { kind: 'offline', cached: key === null ? null : cache.get(key) };
  }

  async function call(name: string, callOptions: UntypedCallOptions = {}): Promise<AnyResult> {
    const route = routes.get(name);
    if (route === undefined) throw new TypeError(`No route named "${name}" in the client's routes`);
    const { method, path } = route;
    const url = baseUrl + fillPath(path, callOptions.params) + queryString(callOptions.query);
    const isRead = method === 'GET';
    const cacheKey = isRead ? url : null;
    let refreshed = false;
    let retries = 0;
    for (;;) {
      const sentAt = now();
      let result: AnyResult;
      try {
        const response = await send(method, url, callOptions.body, callOptions.signal);
        result = toResult(response, await readBody(response), IDEMPOTENT_METHODS.has(method), now());
      } catch (error) {
        if (isNetworkError(error)) return offline(cacheKey);
        throw error;
      }

      if (
        result.kind === 'unauthorized' &&
        !refreshed &&
        name !== REFRESH_ROUTE &&
        result.code !== null &&
        REFRESHABLE_CODES.has(result.code)
      ) {
        refreshed = true;
        const outcome = await refresher.refresh(sentAt);
        if (outcome === 'refreshed') continue;
        if (outcome === 'offline') return offline(cacheKey);
        if (outcome === 'unavailable' && refreshFailure) {
          // Not signed out: the server could not refresh now. The request was refused, so retrying is safe.
          return refreshFailure.kind === 'serverError'
            ? { ...refreshFailure, retryable: true }
            : refreshFailure;
        }
        // The session is over: nothing read under it stays on the page.
        cache.clear();
        return result;
      }

      // Only 429 and 503 say "not processed, come back later"; only reads are repeated on their own.
      const retryAfter =
        result.kind === 'rateLimited' || (result.kind === 'serverError' && result.status === 503)
          ? result.retryAfter
          : null;
      if (isRead && retryAfter !== null && retries < maxReadRetries && retryAfter * 1000 <= maxRetryDelayMs) {
        retries += 1;
        await wait(retryAfter * 1000, callOptions.signal);
        continue;
      }

      if (cacheKey !== null && (result.kind === 'success' || result.kind === 'empty')) {
        cache.set(cacheKey, { data: result.data, meta: result.meta, receivedAt: now(), stale: true });
      }
      if (name === LOGOUT_ROUTE && result.kind === 'noContent') cache.clear();
      return result;
    }
  }

  return {
    call: call as TenetClient<C>['call'],
    clearCache: () => cache.clear(),
    close: () => {
      if (options.channel === undefined) channel?.close();
    },
  };
}
