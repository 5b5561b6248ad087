import type { AnyAppModule } from './module.ts';

/** A team's app as the `tenet` command serves it: its modules, and the folders of its migrations. */
export interface Project {
  /** Resources and routes served beside tenet's auth and users. */
  readonly modules: readonly AnyAppModule[];
  /** Folders of SQL migrations, relative to the project's folder, applied after tenet's in order. */
  readonly migrations: readonly string[];
}

/**
 * Declares the app of `tenet.config.ts` (its default export): `tenet start`, `migrate`, `openapi`
 * and `db types` run in that folder serve and migrate it instead of the reference app alone.
 */
export function defineProject(project: {
  modules?: readonly AnyAppModule[];
  migrations?: readonly string[];
}): Project {
  return Object.freeze({
    modules: Object.freeze([...(project.modules ?? [])]),
    migrations: Object.freeze([...(project.migrations ?? [])]),
  });
}
