import type { Contract, HttpMethod, RouteLocation, RouteManifest } from '../protocol/contract.ts';

export type { RouteLocation, RouteManifest } from '../protocol/contract.ts';

/** The name of every route of a contract. */
export type RouteName<C extends Contract> = keyof C & string;

/** The declaration of a named route, as a type. */
export type RouteOf<C extends Contract, N extends RouteName<C>> = C[N];

const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** The parts of an OpenAPI document the manifest is read from. */
export interface OpenApiPaths {
  readonly paths: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * Reads the method and path of every operation of an app's `/api/openapi.json` (fetched, or saved
 * with `tenet openapi > openapi.json` and imported), by operationId: the client's run-time routes
 * for a frontend that has only the contract's type. Pure; no schema library involved.
 */
export function manifestFromOpenApi<C extends Contract>(document: OpenApiPaths): RouteManifest<C> {
  const manifest: Record<string, RouteLocation> = {};
  for (const [template, operations] of Object.entries(document.paths)) {
    // OpenAPI writes `{id}`; the client fills `:id`.
    const path = template.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
    for (const [key, operation] of Object.entries(operations)) {
      const method = key.toUpperCase();
      const operationId = (operation as { operationId?: unknown } | null)?.operationId;
      if (!METHODS.has(method) || typeof operationId !== 'string') continue;
      manifest[operationId] = { method: method as HttpMethod, path };
    }
  }
  return Object.freeze(manifest) as RouteManifest<C>;
}
