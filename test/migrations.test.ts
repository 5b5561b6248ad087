import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { connectDatabase, type DatabaseHandle } from '../src/db/connect.ts';
import {
  loadAppMigrations,
  loadMigrations,
  MIGRATIONS_TABLE,
  migrateDown,
  migrateUp,
  migrationStatus,
  parseMigration,
} from '../src/db/migrate.ts';
import { createTestDatabase, engine, type TestDatabase, temporaryDirectory } from './helpers.ts';

let testDatabase: TestDatabase;
let database: DatabaseHandle;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await connectDatabase(testDatabase.config);
});
after(async () => {
  await database.close();
  await testDatabase.drop();
});

async function tables(): Promise<string[]> {
  const result = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(database.db);
  return result.rows.map((row) => row.table_name);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("an app's migration named like one of tenet's is refused, not taken as applied", () => {
  const dir = temporaryDirectory();
  try {
    writeFileSync(join(dir.path, '0100_notes.sql'), '-- migrate:up\nselect 1;\n-- migrate:down\nselect 1;\n');
    assert.deepEqual(
      loadAppMigrations([dir.path])
        .map((migration) => migration.name)
        .slice(-1),
      ['0100_notes'],
    );
    writeFileSync(
      join(dir.path, '0001_initial.sql'),
      '-- migrate:up\nselect 1;\n-- migrate:down\nselect 1;\n',
    );
    assert.throws(() => loadAppMigrations([dir.path]), /Migration name 0001_initial is used twice/);
  } finally {
    dir.remove();
  }
});

describe('migration runner', () => {
  test('up applies every migration once; status reports them', async () => {
    const applied = await migrateUp(database);
    assert.deepEqual(
      applied,
      loadMigrations().map((m) => m.name),
    );
    assert.deepEqual(await tables(), [
      'audit_logs',
      'posts',
      'refresh_tokens',
      'row_counts',
      'sessions',
      'tenet_migrations',
      'users',
    ]);
    assert.deepEqual(await migrateUp(database), [], 'a second up applies nothing');
    const status = await migrationStatus(database);
    assert.ok(status.every((state) => state.appliedAt instanceof Date && !state.changed && !state.unknown));
  });

  test('down reverts, and up again restores the same schema', async () => {
    const names = loadMigrations().map((m) => m.name);
    const reverted = await migrateDown(database, names.length);
    assert.deepEqual(reverted, [...names].reverse());
    assert.deepEqual(await tables(), [MIGRATIONS_TABLE]);
    const status = await migrationStatus(database);
    assert.ok(status.every((state) => state.appliedAt === null));
    assert.deepEqual(await migrateUp(database), names);
    assert.deepEqual(await tables(), [
      'audit_logs',
      'posts',
      'refresh_tokens',
      'row_counts',
      'sessions',
      'tenet_migrations',
      'users',
    ]);
  });

  test('a failing migration rolls back whole and is not recorded', async () => {
    const migrations = [
      ...loadMigrations(),
      parseMigration(
        '0002_broken',
        '-- migrate:up\ncreate table half_done (id int);\nselect no_such_function();\n-- migrate:down\n',
      ),
    ];
    await assert.rejects(migrateUp(database, migrations), /no_such_function/);
    assert.ok(!(await tables()).includes('half_done'));
    const status = await migrationStatus(database, migrations);
    assert.equal(status.find((s) => s.name === '0002_broken')?.appliedAt, null);
  });

  test('a migration edited after it was applied is refused, and status says so', async () => {
    const [initial] = loadMigrations();
    assert.ok(initial);
    const edited = { ...initial, checksum: 'different' };
    await assert.rejects(migrateUp(database, [edited]), /changed after it was applied/);
    const status = await migrationStatus(database, [edited]);
    assert.equal(status[0]?.changed, true);
  });

  test('files are read in order and need both sections', () => {
    const dir = temporaryDirectory();
    try {
      mkdirSync(join(dir.path, 'm'));
      writeFileSync(join(dir.path, 'm', '0002_second.sql'), '-- migrate:up\nselect 2;\n-- migrate:down\n');
      writeFileSync(
        join(dir.path, 'm', '0001_first.sql'),
        '-- migrate:up\nselect 1;\n-- migrate:down\nselect 0;\n',
      );
      writeFileSync(join(dir.path, 'm', 'notes.txt'), 'ignored');
      assert.deepEqual(
        loadMigrations(join(dir.path, 'm')).map((m) => m.name),
        ['0001_first', '0002_second'],
      );
      assert.throws(() => parseMigration('0003_bad', 'select 1;'), /migrate:up/);
    } finally {
      dir.remove();
    }
  });

  test('two instances migrating at once: the advisory lock lets exactly one apply', {
    skip: engine === 'pglite' && 'PGlite has a single connection; this needs a PostgreSQL server',
  }, async () => {
    const names = loadMigrations().map((m) => m.name);
    await migrateDown(database, names.length);
    const second = await connectDatabase(testDatabase.config);
    try {
      const results = await Promise.all([migrateUp(database), migrateUp(second), migrateUp(database)]);
      assert.deepEqual(results.flat(), names);
    } finally {
      await second.close();
    }
  });
});

describe('migrations on a fresh database, on PostgreSQL', () => {
  test('three instances migrating a fresh database at once: the table is created once, each migration applied once', {
    skip: engine === 'pglite' && 'PGlite has a single connection; runs in the PostgreSQL pass',
  }, async () => {
    const fresh = await createTestDatabase();
    const handles = await Promise.all([1, 2, 3].map(() => connectDatabase(fresh.config)));
    try {
      const results = await Promise.all(handles.map((handle) => migrateUp(handle)));
      assert.deepEqual(
        results.flat().sort(),
        loadMigrations().map((m) => m.name),
      );
      const rows = await sql<{ count: number }>`
        select count(*)::int as count from ${sql.table(MIGRATIONS_TABLE)}`.execute(
        handles[0]?.db ?? database.db,
      );
      assert.equal(rows.rows[0]?.count, loadMigrations().length);
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
      await fresh.drop();
    }
  });
});

describe('schema conventions', () => {
  before(async () => {
    await migrateUp(database);
  });

  test('updated_at is advanced by the trigger on every update; created_at stays', async () => {
    const inserted = await database.db
      .insertInto('users')
      .values({ email: 'trigger@example.com', password_hash: 'x', display_name: 'Before' })
      .returning(['id', 'created_at', 'updated_at'])
      .executeTakeFirstOrThrow();
    await sleep(20);
    const updated = await database.db
      .updateTable('users')
      .set({ display_name: 'After' })
      .where('id', '=', inserted.id)
      .returning(['created_at', 'updated_at'])
      .executeTakeFirstOrThrow();
    assert.equal(updated.created_at.getTime(), inserted.created_at.getTime());
    assert.ok(updated.updated_at.getTime() > inserted.updated_at.getTime());
    for (const table of ['users', 'posts', 'refresh_tokens', 'audit_logs']) {
      const trigger = await sql<{ count: number }>`
        select count(*)::int as count from information_schema.triggers
        where event_object_table = ${table} and trigger_name = 'set_updated_at'`.execute(database.db);
      assert.equal(trigger.rows[0]?.count, 1, `${table} has set_updated_at`);
    }
  });

  test('an e-mail is unique among live users and reusable once its row is soft-deleted', async () => {
    const user = { email: 'reuse@example.com', password_hash: 'x', display_name: 'First' };
    const first = await database.db
      .insertInto('users')
      .values(user)
      .returning('id')
      .executeTakeFirstOrThrow();
    await assert.rejects(
      database.db.insertInto('users').values(user).execute(),
      (error: { code?: string; constraint?: string }) => error.code === '23505',
    );
    await database.db
      .updateTable('users')
      .set({ deleted_at: new Date() })
      .where('id', '=', first.id)
      .execute();
    const second = await database.db
      .insertInto('users')
      .values(user)
      .returning('id')
      .executeTakeFirstOrThrow();
    assert.notEqual(second.id, first.id);
  });

  test('ids: users get UUID v4, posts get time-ordered ULID-shaped uuids, audit logs identities', async () => {
    const user = await database.db
      .insertInto('users')
      .values({ email: 'ids@example.com', password_hash: 'x', display_name: 'Ids' })
      .returning('id')
      .executeTakeFirstOrThrow();
    assert.match(user.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const post = await database.db
        .insertInto('posts')
        .values({ user_id: user.id, title: `t${i}`, body: 'b' })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(post.id);
      await sleep(3);
    }
    assert.deepEqual([...ids].sort(), ids, 'post ids sort in creation order');
    const millis = Number.parseInt(ids[0]?.replace(/-/g, '').slice(0, 12) ?? '', 16);
    assert.ok(Math.abs(millis - Date.now()) < 60_000, 'the first 48 bits are the creation time in ms');
    const log = await database.db
      .insertInto('audit_logs')
      .values({ action: 'test' })
      .returning('id')
      .executeTakeFirstOrThrow();
    assert.match(String(log.id), /^\d+$/);
  });

  test('stored e-mails must be lower-case and roles are constrained', async () => {
    await assert.rejects(
      database.db
        .insertInto('users')
        .values({ email: 'Upper@Example.com', password_hash: 'x', display_name: 'U' })
        .execute(),
      (error: { code?: string }) => error.code === '23514',
    );
    await assert.rejects(
      database.db
        .insertInto('users')
        .values({ email: 'role@example.com', password_hash: 'x', display_name: 'R', role: 'root' as 'admin' })
        .execute(),
      (error: { code?: string }) => error.code === '23514',
    );
  });
});
