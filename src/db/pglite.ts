import { existsSync, rmSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { restoreInitialCluster } from './initial-cluster.ts';

function create(dataDir: string): Promise<PGlite> {
  return PGlite.create(dataDir, { extensions: { uuid_ossp } });
}

/**
 * Opens the embedded database (`memory://` or a folder). A folder that does not exist yet is
 * unpacked from the build's pre-initialised cluster (`clusterFile`, by default the one made for the
 * installed PGlite), sparing initdb; without one, PGlite runs initdb as before.
 */
export async function openPglite(dataDir: string, clusterFile?: string): Promise<PGlite> {
  const restored =
    dataDir !== 'memory://' && !existsSync(dataDir) && restoreInitialCluster(dataDir, clusterFile);
  try {
    return await create(dataDir);
  } catch (error) {
    if (!restored) throw error;
    // A cluster this PGlite cannot start (a damaged build): it holds nothing yet, so start over.
    rmSync(dataDir, { recursive: true, force: true });
    return create(dataDir);
  }
}
