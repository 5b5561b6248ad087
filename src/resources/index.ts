import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { RouteImplementation } from '../protocol/handler.ts';
import { resourceImplementations } from './kit/resource-handlers.ts';
import { postResource } from './posts/post-resource.ts';
import type { AccountHooks } from './users/account-hooks.ts';
import { userImplementations } from './users/user-routes.ts';

/** The resources tenet ships (users, posts), ready for `buildApp` to register. */
export function resourceRoutes(
  database: DatabaseHandle,
  _config: Config,
  accounts: AccountHooks,
): RouteImplementation[] {
  return [...userImplementations(database, accounts), ...resourceImplementations(database, postResource)];
}
