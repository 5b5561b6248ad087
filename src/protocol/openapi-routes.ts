import type { RouteSpec } from './contract.ts';
import * as contract from './routes/index.ts';

function isRouteSpec(value: unknown): value is RouteSpec {
  const route = value as Partial<RouteSpec> | null;
  return (
    typeof route === 'object' &&
    route !== null &&
    typeof route.method === 'string' &&
    typeof route.path === 'string' &&
    typeof route.responses === 'object'
  );
}

/**
 * Names each route of a list by the export that holds it. The name is the route's operationId and
 * the name the client calls it by, so every route must be exported by name exactly once, and every
 * exported route must be in the list.
 */
export function nameRoutes(
  list: readonly RouteSpec[],
  exports: Readonly<Record<string, unknown>>,
): Record<string, RouteSpec> {
  const named: Record<string, RouteSpec> = {};
  for (const route of list) {
    const names = Object.keys(exports).filter((key) => exports[key] === route);
    const [name] = names;
    if (names.length !== 1 || name === undefined) {
      throw new Error(
        `${route.method} ${route.path} must be exported by exactly one name beside the routes list (found ${names.length})`,
      );
    }
    named[name] = route;
  }
  for (const [key, value] of Object.entries(exports)) {
    if (isRouteSpec(value) && !list.includes(value)) {
      throw new Error(`Route "${key}" is exported but missing from the routes list`);
    }
  }
  return named;
}

/** Every route of the contract (`routes/index.ts`), by name. */
export const contractRoutes: Readonly<Record<string, RouteSpec>> = Object.freeze(
  nameRoutes(contract.routes, contract),
);
