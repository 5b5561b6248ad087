import { existsSync, rmSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { restoreInitialCluster } from './initial-cluster.ts';

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
