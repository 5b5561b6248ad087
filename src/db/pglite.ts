import { existsSync, rmSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { initialClusterFile, migratedClusterFile, restoreInitialCluster } from './initial-cluster.ts';
import { MIGRATIONS_TABLE, type Migration } from './migrate.ts';

/**
 * The embedded database's buffer cache. initdb sizes it at 128 MB, and PGlite zeroes all of its
 * shared memory at every start, in WebAssembly: 0.3 s of each start, and 120 MB more resident (see
 * docs/performance.md). PGlite reads its files through the operating system's cache, which still
 * holds what does not fit here.
 */
export const EMBEDDED_SHARED_BUFFERS = '32MB';

function create(dataDir: string): Promise<PGlite> {
  return PGlite.create(dataDir, {
    extensions: { uuid_ossp },
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`],
  });
}

/** Where a new embedded folder comes from. */
export interface OpenOptions {
  /** The plain pre-initialised cluster; by default the one the build made for the installed PGlite. */
  clusterFile?: string;
  /**
   * The migrations the caller applies first: a new folder starts from the build's cluster with
   * exactly these applied (migratedClusterFile), when the build made one, sparing their run.
   */
  migrations?: readonly Migration[];
  /** The cluster with `migrations` applied; by default the one the build named after them. */
  migratedFile?: string;
}

/**
 * Opens the embedded database (`memory://` or a folder). A folder that does not exist yet is
 * unpacked from a cluster the build made: the one with the caller's first migrations applied, else
 * the plain pre-initialised one, sparing initdb; without either, PGlite runs initdb as before.
 */
export async function openPglite(dataDir: string, options: OpenOptions = {}): Promise<PGlite> {
  const fresh = dataDir !== 'memory://' && !existsSync(dataDir);
  const migrated =
    fresh &&
    options.migrations !== undefined &&
    options.migrations.length > 0 &&
    restoreInitialCluster(dataDir, options.migratedFile ?? migratedClusterFile(options.migrations));
  const restored =
    migrated || (fresh && restoreInitialCluster(dataDir, options.clusterFile ?? initialClusterFile()));
  try {
    const pglite = await create(dataDir);
    // The migrations were applied when the build ran: they count as applied now, in this folder.
    if (migrated) await pglite.query(`update ${MIGRATIONS_TABLE} set applied_at = now()`);
    return pglite;
  } catch (error) {
    if (!restored) throw error;
    // A cluster this PGlite cannot start (a damaged build): it holds nothing yet, so start over.
    rmSync(dataDir, { recursive: true, force: true });
    return create(dataDir);
  }
}
