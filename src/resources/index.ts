import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { RouteImplementation } from '../protocol/handler.ts';

/** The resources tenet ships (users, posts), ready for `buildApp` to register. */
export function resourceRoutes(_database: DatabaseHandle, _config: Config): RouteImplementation[] {
  return [];
}
