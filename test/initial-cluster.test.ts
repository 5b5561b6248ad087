import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { connectDatabase, pgliteHandle } from '../src/db/connect.ts';
import {
  gunzipWhole,
  initialClusterFile,
  migratedClusterFile,
  restoreInitialCluster,
  writeInitialCluster,
  writeMigratedCluster,
} from '../src/db/initial-cluster.ts';
import { loadMigrations, migrateUp } from '../src/db/migrate.ts';
import { EMBEDDED_SHARED_BUFFERS, openPglite } from '../src/db/pglite.ts';
import { temporaryDirectory } from './helpers.ts';

// PostgreSQL's pg_control: the cluster state (DBState) is the int32 at byte 16; 1 = shut down.
const SHUT_DOWN = 1;

test('gunzipWhole gives the whole data whatever the size in the gzip trailer says', () => {
  const data = Buffer.from(Array.from({ length: 200_000 }, (_, index) => index % 251));
  const gzip = gzipSync(data);
  assert.deepEqual(gunzipWhole(gzip), data);
  for (const size of [0, 1, 1000, 4_000_000_000]) {
    const lying = Buffer.from(gzip);
    lying.writeUInt32LE(size, lying.length - 4);
    // zlib checks ISIZE against what it inflated: a wrong trailer is a corrupt file, as before.
    assert.throws(() => gunzipWhole(lying), /unexpected end|incorrect length|Z_DATA_ERROR/i, String(size));
  }
});

/** One ustar entry: a 512-byte header, then the data padded to 512 bytes. */
function tarEntry(name: string, data: Buffer = Buffer.alloc(0), type = '0'): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000600\0', 100);
  header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write(type, 156);
  header.write('ustar\0', 257);
  return Buffer.concat([header, data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

function tarball(...entries: Buffer[]): Buffer {
  return gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));
}

const dir = temporaryDirectory();
const cluster = join(dir.path, 'cluster.tar.gz');

before(async () => {
  await writeInitialCluster(cluster);
});
after(() => dir.remove());

describe('the pre-initialised embedded cluster', () => {
  test('the build writes a cleanly shut-down cluster with nothing of tenet in it', async () => {
    const dataDir = join(dir.path, 'inspected');
    assert.equal(restoreInitialCluster(dataDir, cluster), true);
    assert.equal(readFileSync(join(dataDir, 'global', 'pg_control')).readInt32LE(16), SHUT_DOWN);
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dataDir, 'PG_VERSION')).mode & 0o777, 0o600);
    const pglite = await openPglite(dataDir, { clusterFile: cluster });
    try {
      const tables = await pglite.query(
        "select table_name from information_schema.tables where table_schema = 'public'",
      );
      assert.deepEqual(tables.rows, [], 'no migration of tenet is in the cluster');
    } finally {
      await pglite.close();
    }
  });

  test('a new data folder starts from it: migrations apply, and data persists across a restart', async () => {
    const dataDir = join(dir.path, 'restored');
    assert.equal(restoreInitialCluster(dataDir, cluster), true);
    const first = await connectDatabase({ kind: 'pglite', dataDir });
    try {
      assert.deepEqual(
        await migrateUp(first),
        loadMigrations().map((migration) => migration.name),
      );
      await first.withSession((session) =>
        session.query(
          "insert into users (email, password_hash, display_name) values ('kept@example.com', 'x', 'Kept')",
        ),
      );
    } finally {
      await first.close();
    }
    const second = await connectDatabase({ kind: 'pglite', dataDir });
    try {
      assert.deepEqual(await migrateUp(second), [], 'nothing is applied twice');
      const rows = await second.withSession((session) =>
        session.query<{ email: string; id: string }>('select email, id from users'),
      );
      assert.deepEqual(
        rows.map((row) => row.email),
        ['kept@example.com'],
      );
      assert.match(rows[0]?.id ?? '', /^[0-9a-f-]{36}$/, 'uuid-ossp works');
    } finally {
      await second.close();
    }
  });

  test('a new folder opened for the migrations the build applied starts with them, dated now', async () => {
    const migrations = loadMigrations();
    const migratedFile = join(dir.path, 'migrated.tar.gz');
    await writeMigratedCluster(migrations, migratedFile, cluster);
    const opened = Date.now();
    const dataDir = join(dir.path, 'premigrated');
    const handle = pgliteHandle(
      await openPglite(dataDir, { migrations, migratedFile, clusterFile: cluster }),
      () => {},
    );
    try {
      assert.deepEqual(await migrateUp(handle, migrations), [], 'nothing is left to apply');
      const applied = await handle.withSession((session) =>
        session.query<{ name: string; applied_at: Date }>(
          'select name, applied_at from tenet_migrations order by name',
        ),
      );
      assert.deepEqual(
        applied.map((row) => row.name),
        migrations.map((migration) => migration.name),
      );
      // Applied at build time; they count as applied when this folder was made.
      for (const row of applied) assert.ok(row.applied_at.getTime() >= opened - 1_000, row.name);
      const [user] = await handle.withSession((session) =>
        session.query<{ id: string }>(
          "insert into users (email, password_hash, display_name) values ('new@example.com', 'x', 'New') returning id",
        ),
      );
      assert.match(user?.id ?? '', /^[0-9a-f-]{36}$/, 'the schema and uuid-ossp are there');
    } finally {
      await handle.close();
    }
  });

  test('other migrations than the build applied start from the plain cluster, with nothing applied', async () => {
    const migrations = loadMigrations();
    const edited = migrations.map((migration, index) =>
      index === 0 ? { ...migration, checksum: 'edited' } : migration,
    );
    assert.notEqual(migratedClusterFile(edited), migratedClusterFile(migrations));
    assert.match(migratedClusterFile(migrations), /pglite-\d+\.\d+-migrated-[0-9a-f]{12}\.tar\.gz$/);
    // No build made a cluster for the edited list: the lookup by its name finds nothing.
    const dataDir = join(dir.path, 'other-migrations');
    const pglite = await openPglite(dataDir, { migrations: edited, clusterFile: cluster });
    try {
      const tables = await pglite.query(
        "select table_name from information_schema.tables where table_schema = 'public'",
      );
      assert.deepEqual(tables.rows, []);
    } finally {
      await pglite.close();
    }
  });

  test("the build's cluster serves every patch release of its PGlite minor version", () => {
    assert.equal(initialClusterFile('0.5.16'), initialClusterFile('0.5.17'));
    assert.notEqual(initialClusterFile('0.5.16'), initialClusterFile('0.6.0'));
    assert.match(initialClusterFile('0.5.16'), /[/\\]dist[/\\]db[/\\]pglite-0\.5-cluster\.tar\.gz$/);
  });

  test('an existing folder is never unpacked into', () => {
    const dataDir = join(dir.path, 'existing');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'mine'), 'kept');
    assert.equal(restoreInitialCluster(dataDir, cluster), false);
    assert.deepEqual(readdirSync(dataDir), ['mine']);
  });

  test('a missing, unreadable, truncated or escaping cluster leaves nothing behind', () => {
    const truncated = gunzipSync(readFileSync(cluster));
    const cases: Record<string, Buffer | null> = {
      missing: null,
      'not gzip': Buffer.from('not a tarball'),
      truncated: gzipSync(truncated.subarray(0, truncated.length / 2)),
      'no PG_VERSION': tarball(tarEntry('base/', undefined, '5')),
      escaping: tarball(
        tarEntry('PG_VERSION', Buffer.from('17\n')),
        tarEntry('../escaped', Buffer.from('x')),
      ),
    };
    for (const [name, content] of Object.entries(cases)) {
      const file = join(dir.path, `${name}.tar.gz`);
      if (content) writeFileSync(file, content);
      const dataDir = join(dir.path, `from-${name}`);
      assert.equal(restoreInitialCluster(dataDir, file), false, name);
      assert.equal(existsSync(dataDir), false, `${name}: the folder is removed`);
    }
    assert.equal(existsSync(join(dir.path, 'escaped')), false);
  });

  test('without a cluster, a new folder gets an ordinary initdb', async () => {
    const dataDir = join(dir.path, 'initdb');
    const pglite = await openPglite(dataDir, { clusterFile: join(dir.path, 'no-such-cluster.tar.gz') });
    try {
      assert.deepEqual((await pglite.query('select 1 as one')).rows, [{ one: 1 }]);
    } finally {
      await pglite.close();
    }
    // PGlite's initdb leaves its own modes; the restored folder would be 0700.
    assert.notEqual(statSync(dataDir).mode & 0o777, 0o700);
  });

  test('a cluster this PGlite cannot start is replaced by an ordinary initdb', async () => {
    const unusable = join(dir.path, 'unusable.tar.gz');
    writeFileSync(
      unusable,
      tarball(tarEntry('PG_VERSION', Buffer.from('9\n')), tarEntry('base/', undefined, '5')),
    );
    const dataDir = join(dir.path, 'replaced');
    const pglite = await openPglite(dataDir, { clusterFile: unusable });
    try {
      assert.deepEqual((await pglite.query('select 1 as one')).rows, [{ one: 1 }]);
      assert.notEqual(readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim(), '9');
    } finally {
      await pglite.close();
    }
  });

  test(`the embedded database runs with a ${EMBEDDED_SHARED_BUFFERS} buffer cache`, async () => {
    const pglite = await openPglite('memory://');
    try {
      assert.deepEqual((await pglite.query('show shared_buffers')).rows, [
        { shared_buffers: EMBEDDED_SHARED_BUFFERS },
      ]);
    } finally {
      await pglite.close();
    }
  });
});
