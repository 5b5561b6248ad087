import type { z } from 'zod';
import type { ErrorCode } from './errors.ts';

/** The HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route: anyone, any signed-in user, or an admin. Finer rules (self or admin, the
 * author) are decided by the handler and stated in the route's description.
 */
export type Access = 'public' | 'user' | 'admin';

/** The success statuses a route can declare. */
export type SuccessStatus = 200 | 201 | 204;

/** What a route does for a resource of the kit, so generic tools (the console) can find it. */
export interface ResourceOperation {
  /** The resource's plural name, as in its paths and tag: `'posts'`. */
  readonly name: string;
  readonly action: 'list' | 'get' | 'create' | 'update' | 'replace' | 'delete' | 'restore';
  /** For a nested collection (`/api/users/:id/posts`): the parent resource's name. */
  readonly parent?: string;
}

/** One route of the API, as data: the single source for the server, the client, OpenAPI and `tenet check`. */
export interface RouteSpec {
  readonly method: HttpMethod;
  /** Path with `:name` parameters, such as `/api/users/:id`. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly access: Access;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** The response body schema per success status; `null` for a status without a body (204). */
  readonly responses: { readonly [S in SuccessStatus]?: z.ZodType | null };
  /**
   * How a write is protected against cross-site requests. By default a write that carries an auth
   * cookie needs the signed double-submit `X-CSRF-Token`, and one without is checked by `Origin`;
   * `'origin'` checks `Origin` only (login: it opens a session, so it has none to bind a token to).
   */
  readonly csrf?: 'origin';
  /** The error codes this route can answer with, beyond those every route can give. */
  readonly errors: readonly ErrorCode[];
  /**
   * Headers the route's success answers set beyond `X-Request-Id` and `Location` (on 201), so the
   * document declares them: `ETag` on answers of one item, `Set-Cookie` when a session opens,
   * renews or closes.
   */
  readonly sets?: readonly ('Set-Cookie' | 'ETag')[];
  /** Whether the route honours `If-Match` (409 CONFLICT when the item changed since that ETag). */
  readonly ifMatch?: boolean;
  /** Set by `defineResourceRoutes`; published as `x-tenet-resource` on the OpenAPI operation. */
  readonly resource?: ResourceOperation;
  /**
   * `false` keeps the route out of the API rate limit (`API_RATE_LIMIT`): the health check, which
   * a load balancer polls and must never see refused.
   */
  readonly rateLimited?: false;
}

/** Error codes any route can answer with (malformed request, overload, failure). */
export const commonErrorCodes = [
  'INVALID_INPUT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
  'DATABASE_ERROR',
] as const satisfies readonly ErrorCode[];

/** Declares a route; the declaration is frozen so nothing can change the contract at run time. */
export function defineRoute<const R extends RouteSpec>(route: R): R {
  return Object.freeze(route);
}

/** An app's contract: every route under its name, which is its operationId and the client's name for it. */
export type Contract = { readonly [name: string]: RouteSpec };

/** Declares an app's contract, one keyed object; frozen so nothing changes it at run time. */
export function defineContract<const C extends Contract>(contract: C): C {
  return Object.freeze({ ...contract });
}

/** Where one route lives: the only part of a route the browser client needs at run time. */
export interface RouteLocation<M extends HttpMethod = HttpMethod, P extends string = string> {
  readonly method: M;
  readonly path: P;
}

/** The method and path of every route of a contract, as plain data (no schema, so no Zod). */
export type RouteManifest<C extends Contract> = {
  readonly [N in keyof C]: RouteLocation<C[N]['method'], C[N]['path']>;
};

/** Derives the manifest of a contract: a pure function, the client's run-time half of the contract. */
export function routeManifest<C extends Contract>(contract: C): RouteManifest<C> {
  const manifest: Record<string, RouteLocation> = {};
  for (const [name, route] of Object.entries(contract))
    manifest[name] = { method: route.method, path: route.path };
  return Object.freeze(manifest) as RouteManifest<C>;
}

type Output<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;
type Input<S> = S extends z.ZodType ? z.input<S> : never;

/** The validated input a handler receives. */
export interface RouteInput<R extends RouteSpec> {
  params: Output<R['params']>;
  query: Output<R['query']>;
  body: Output<R['body']>;
}

/** What a request to the route sends before validation (what a client writes). */
export interface RouteRequest<R extends RouteSpec> {
  params: Input<R['params']>;
  query: Input<R['query']>;
  body: Input<R['body']>;
}

/** The data a route answers with for one success status. */
export type RouteData<R extends RouteSpec, S extends SuccessStatus> = R['responses'][S] extends z.ZodType
  ? z.output<R['responses'][S]>
  : undefined;

/** Returns a route's path with its parameters filled in, each URI-encoded. */
export function buildPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`Missing path parameter "${name}" for ${path}`);
    return encodeURIComponent(value);
  });
}

/**
 * Returns a matcher for a route path, for finding which routes own a concrete URL path. The path
 * must be as declared: a trailing slash names no route (the router does not match it either).
 */
export function pathMatcher(path: string): RegExp {
  const pattern = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${pattern}$`);
}
