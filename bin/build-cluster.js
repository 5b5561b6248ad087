#!/usr/bin/env node
// Writes the pre-initialised embedded cluster (dist/db/pglite-<minor version>-cluster.tar.gz) that spares
// a first `tenet start` PGlite's initdb. Run by `npm run build`, after tsc has emitted dist/.
import { initialClusterFile, writeInitialCluster } from '../dist/db/initial-cluster.js';

await writeInitialCluster(initialClusterFile());
