import type { z } from 'zod';
import type { RouteSpec } from '../protocol/contract.ts';

type Part = 'params' | 'query' | 'body';
type InputOf<S> = S extends z.ZodType ? z.input<S> : never;
type Declares<R, K extends Part> = R extends { readonly [P in K]: z.ZodType } ? true : false;

type ParamsOption<R extends RouteSpec> =
  Declares<R, 'params'> extends true ? { params: InputOf<R['params']> } : { params?: never };

type QueryOption<R extends RouteSpec> =
  Declares<R, 'query'> extends true
    ? Record<never, never> extends InputOf<R['query']>
      ? { query?: InputOf<R['query']> }
      : { query: InputOf<R['query']> }
    : { query?: never };

type BodyOption<R extends RouteSpec> =
  Declares<R, 'body'> extends true ? { body: InputOf<R['body']> } : { body?: never };

/**
 * What a call to a route takes, typed from the route's schemas as a client writes them (before
 * defaults and transforms): `params` and `body` when the route declares them, `query` when it has
 * one (optional when every query field is).
 */
export type CallOptions<R extends RouteSpec> = ParamsOption<R> &
  QueryOption<R> &
  BodyOption<R> & {
    /** Aborts the call; the promise then rejects with the signal's reason. */
    signal?: AbortSignal;
  };

/** Call options as the client reads them at run time, whatever the route. */
export interface UntypedCallOptions {
  params?: Readonly<Record<string, unknown>>;
  query?: Readonly<Record<string, unknown>>;
  body?: unknown;
  signal?: AbortSignal;
}
