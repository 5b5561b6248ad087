/**
 * A pre-initialised embedded cluster. Creating a PGlite cluster runs initdb in WebAssembly, which
 * took 3-10 s of a first `tenet start`; `npm run build` runs it once instead and keeps the result
 * as a gzipped tarball (PGlite's `dumpDataDir` of a cleanly closed cluster, with nothing of tenet's
 * in it: the migrations still run at start). A new data folder is unpacked from it, and a
 * missing, unreadable or unusable tarball means an ordinary initdb instead.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Migration } from './migrate.ts';

/** The version of the PGlite installed beside tenet. */
export function pgliteVersion(): string {
  // The package's exports do not include its package.json; it sits above the resolved entry (dist/).
  const entry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
  const manifest = join(dirname(entry), '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/**
 * Where the build puts the cluster for a PGlite version: `dist/db/`, reached by the same relative
 * path from `src/db/` (a checkout) and `dist/db/` (an installed package). It is named by PGlite's
 * minor version, the unit in which PGlite changes its PostgreSQL (`^0.5.16` installs any 0.5.x);
 * PostgreSQL itself refuses to start a cluster whose control file does not match it, and then
 * `openPglite` (pglite.ts) falls back to initdb.
 */
export function initialClusterFile(version: string = pgliteVersion()): string {
  const minor = version.split('.').slice(0, 2).join('.');
  return fileURLToPath(new URL(`../../dist/db/pglite-${minor}-cluster.tar.gz`, import.meta.url));
}

/** What a migrated cluster holds: the names and checksums of its migrations, in order. */
interface AppliedMigration {
  name: string;
  checksum: string;
}

/**
 * The cluster with `migrations` applied (tenet's own, at build time), beside the plain one and
 * named by a hash of their names and checksums: an edited or added migration names another file,
 * so a stale cluster is never used; it is simply not found.
 */
export function migratedClusterFile(
  migrations: readonly AppliedMigration[],
  version: string = pgliteVersion(),
): string {
  const hash = createHash('sha256');
  for (const { name, checksum } of migrations) hash.update(`${name}\0${checksum}\n`);
  const plain = initialClusterFile(version);
  return plain.replace(/-cluster\.tar\.gz$/, `-migrated-${hash.digest('hex').slice(0, 12)}.tar.gz`);
}

/** Writes a cleanly closed cluster folder as a gzipped tarball (PGlite's own dump). */
async function dumpCluster(dataDir: string, file: string): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  // noInitDb: the folder is mounted and dumped without starting PostgreSQL on it again.
  const reader = await PGlite.create(dataDir, { noInitDb: true });
  try {
    const tarball = await reader.dumpDataDir('gzip');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, new Uint8Array(await tarball.arrayBuffer()));
  } finally {
    await reader.close();
  }
}

/** Creates a cluster with PGlite's own initdb, closes it cleanly and writes it as a gzipped tarball. */
export async function writeInitialCluster(file: string = initialClusterFile()): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const scratch = await mkdtemp(join(tmpdir(), 'tenet-cluster-'));
  try {
    const dataDir = join(scratch, 'pgdata');
    // A clean close writes the shutdown checkpoint, so the copy starts without crash recovery.
    await (await PGlite.create(dataDir)).close();
    await dumpCluster(dataDir, file);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Writes the cluster of {@link migratedClusterFile}: the plain cluster (or initdb) with
 * `migrations` applied by the same runner as at start, closed cleanly.
 */
export async function writeMigratedCluster(
  migrations: readonly Migration[],
  file: string = migratedClusterFile(migrations),
  plainCluster?: string,
): Promise<void> {
  const { openPglite } = await import('./pglite.ts');
  const { pgliteHandle } = await import('./connect.ts');
  const { migrateUp } = await import('./migrate.ts');
  const scratch = await mkdtemp(join(tmpdir(), 'tenet-cluster-'));
  try {
    const dataDir = join(scratch, 'pgdata');
    const pglite = await openPglite(dataDir, { clusterFile: plainCluster });
    const handle = pgliteHandle(pglite, () => {});
    try {
      await migrateUp(handle, migrations);
    } finally {
      await handle.close();
    }
    await dumpCluster(dataDir, file);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const BLOCK = 512;
const DIRECTORY = 0x35; // '5'
const REGULAR = new Set([0x00, 0x30]); // NUL or '0'

function field(header: Buffer, offset: number, length: number): string {
  const end = header.indexOf(0, offset);
  return header.toString('utf8', offset, end === -1 || end > offset + length ? offset + length : end);
}

/**
 * Writes the entries of a ustar archive (as PGlite's dumpDataDir makes them: directories before
 * their files) under `root`, files 0600 and folders 0700 like PostgreSQL's own.
 */
function unpack(tar: Buffer, root: string): void {
  for (let offset = 0; offset + BLOCK <= tar.length; ) {
    const header = tar.subarray(offset, offset + BLOCK);
    const name = field(header, 0, 100);
    if (name === '') break; // the archive's end: zero blocks
    const prefix = field(header, 345, 155);
    const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8);
    const target = resolve(root, `.${sep}${prefix ? `${prefix}/` : ''}${name}`);
    if (!Number.isSafeInteger(size) || !target.startsWith(`${root}${sep}`))
      throw new Error(`Unexpected entry "${name}" in the initial cluster`);
    const data = offset + BLOCK;
    if (data + size > tar.length) throw new Error('The initial cluster is truncated');
    const type = header[156] ?? 0;
    if (type === DIRECTORY) mkdirSync(target, { mode: 0o700, recursive: true });
    else if (REGULAR.has(type)) writeFileSync(target, tar.subarray(data, data + size), { mode: 0o600 });
    offset = data + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (!existsSync(join(root, 'PG_VERSION'))) throw new Error('The initial cluster has no PG_VERSION');
}

/** Larger than any cluster the build writes (about 40 MB); a trailer saying more is not trusted. */
const MAX_CLUSTER_BYTES = 256 * 1024 * 1024;

/**
 * Gunzips into one buffer of the size the gzip trailer gives (ISIZE), instead of zlib's 16 KiB
 * chunks joined at the end: in a new process that halved the time (360 to 170 ms, pinned), most
 * of it the kernel giving the chunks and the joined copy their pages. zlib checks the trailer against
 * what it inflated, so a wrong one is a corrupt file, as it was before.
 */
export function gunzipWhole(gzip: Buffer): Buffer {
  const size = gzip.length >= 4 ? gzip.readUInt32LE(gzip.length - 4) : 0;
  return gunzipSync(gzip, size > 0 && size <= MAX_CLUSTER_BYTES ? { chunkSize: Math.max(size + 1, 64) } : {});
}

/**
 * Creates `dataDir` (which must not exist) from the build's cluster. Returns false, leaving nothing
 * behind, when there is no cluster for this PGlite or it cannot be read: the caller runs initdb.
 */
export function restoreInitialCluster(dataDir: string, file?: string): boolean {
  let tar: Buffer;
  try {
    tar = gunzipWhole(readFileSync(file ?? initialClusterFile()));
  } catch {
    return false; // not built (a checkout without `npm run build`), another PGlite, or corrupt
  }
  const root = resolve(dataDir);
  try {
    mkdirSync(root, { mode: 0o700 });
  } catch {
    return false; // it exists after all: PGlite opens it as it is
  }
  try {
    unpack(tar, root);
    return true;
  } catch {
    // Only what this call created: the folder did not exist before.
    rmSync(root, { recursive: true, force: true });
    return false;
  }
}
