import type { z } from 'zod';
import type { Contract, RouteInput, RouteSpec, SuccessStatus } from './contract.ts';

/** Attributes of a cookie to set or clear; written by the HTTP layer, never by a handler. */
export interface CookieOptions {
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'strict' | 'lax';
  path: string;
  /** Seconds; 0 clears the cookie. */
  maxAge: number;
}

/** An instruction to set (or, with `maxAge: 0` and an empty value, clear) a cookie. */
export interface CookieInstruction {
  name: string;
  value: string;
  options: CookieOptions;
}

/** Who is calling, once the access token has been verified. */
export interface Caller {
  userId: string;
  role: 'user' | 'admin';
}

/** What the guard reads of a request before a handler runs; plain values, no framework object. */
export interface RequestFacts {
  method: string;
  cookies: Readonly<Record<string, string | undefined>>;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The server's own origin from `PUBLIC_URL` (never the Host header), such as `https://api.example.com`. */
  serverOrigin: string;
  /** The client IP, as decided by `TRUST_PROXY`. */
  ip: string;
}

/** Plain facts about the request that a handler may need; never the framework's request object. */
export interface RequestContext {
  requestId: string;
  /** The client IP, as decided by `TRUST_PROXY`. */
  ip: string;
  userAgent: string | undefined;
  /** The verified caller, or `null` on a public route called anonymously. */
  caller: Caller | null;
  /** Cookies the request carried. */
  cookies: Readonly<Record<string, string | undefined>>;
  /** Request headers, lower-cased names. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

type Data<S> = S extends z.ZodType ? z.input<S> : undefined;

/** A handler's answer for one declared success status. */
export type HandlerResult<R extends RouteSpec> = {
  [S in keyof R['responses'] & SuccessStatus]: {
    status: S;
    data: Data<R['responses'][S]>;
    headers?: Record<string, string>;
    cookies?: readonly CookieInstruction[];
  };
}[keyof R['responses'] & SuccessStatus];

/** A route's handler: typed input in, a result out, or an `AppError` thrown. */
export type RouteHandler<R extends RouteSpec> = (
  input: RouteInput<R>,
  context: RequestContext,
) => Promise<HandlerResult<R>>;

/**
 * The handlers of a contract, one per route under the route's name: a route without a handler, or
 * a handler without a route, fails the type-check (ts-rest's `RouterImplementation`).
 */
export type Implementations<C extends Contract> = { readonly [N in keyof C]: RouteHandler<C[N]> };

/** A route paired with its handler, ready for the HTTP layer to register. */
export interface RouteImplementation<R extends RouteSpec = RouteSpec> {
  readonly route: R;
  readonly handler: RouteHandler<R>;
}

/** Pairs a declared route with its handler, checking the handler against the declaration. */
export function implement<R extends RouteSpec>(
  route: R,
  handler: RouteHandler<R>,
): RouteImplementation<RouteSpec> {
  return Object.freeze({ route, handler }) as unknown as RouteImplementation<RouteSpec>;
}
