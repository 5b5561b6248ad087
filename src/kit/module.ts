import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import type { Contract } from '../protocol/contract.ts';
import type { Implementations, RouteImplementation } from '../protocol/handler.ts';

/** What a module's handlers are built on, given where the app is assembled. */
export interface AppServices {
  database: DatabaseHandle;
  config: Config;
}

/** Revokes every session of a user inside the caller's transaction; auth provides it. */
export type RevokeSessions = (transaction: Kysely<Database>, userId: string) => Promise<void>;

/**
 * A part of an app: some routes of its contract and how to implement them. A resource declared on
 * the kit is one; a team's own routes are another ({@link defineModule}).
 */
export interface AppModule<C extends Contract = Contract> {
  readonly routes: C;
  /** A description for each OpenAPI tag the routes use. */
  readonly tagDescriptions?: Readonly<Record<string, string>>;
  implement(services: AppServices): Implementations<C>;
}

/** Any module, whatever its routes: what an app takes a list of. */
export interface AnyAppModule {
  readonly routes: Contract;
  readonly tagDescriptions?: Readonly<Record<string, string>>;
  implement(services: AppServices): Readonly<Record<string, unknown>>;
}

/** Declares a module: routes plus their handlers, checked against each other by the types. */
export function defineModule<const C extends Contract>(module: AppModule<C>): AppModule<C> {
  return Object.freeze(module);
}

/** The routes of several modules, as one type: `ModulesContract<[typeof projects]>`. */
export type ModulesContract<M extends readonly AnyAppModule[]> = M extends readonly [
  { readonly routes: infer C },
  ...infer Rest extends readonly AnyAppModule[],
]
  ? C & ModulesContract<Rest>
  : unknown;

/** A module from routes each paired with its handler by `implement()`, under their names. */
export function moduleOf(routes: Readonly<Record<string, RouteImplementation>>): AnyAppModule {
  const entries = Object.entries(routes);
  return Object.freeze({
    routes: Object.freeze(Object.fromEntries(entries.map(([name, { route }]) => [name, route]))),
    implement: () => Object.fromEntries(entries.map(([name, { handler }]) => [name, handler])),
  });
}
