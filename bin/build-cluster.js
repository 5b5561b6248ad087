#!/usr/bin/env node
// Writes the pre-initialised embedded cluster (dist/db/pglite-<minor version>-cluster.tar.gz) that spares
// a first `tenet start` PGlite's initdb, then the same cluster with tenet's own migrations applied
// (pglite-<minor>-migrated-<hash>.tar.gz), which spares it their run too. Run by `npm run build`, after
// tsc has emitted dist/.
import { initialClusterFile, writeInitialCluster, writeMigratedCluster } from '../dist/db/initial-cluster.js';
import { loadMigrations } from '../dist/db/migrate.js';

await writeInitialCluster(initialClusterFile());
await writeMigratedCluster(loadMigrations());
