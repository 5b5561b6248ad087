import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseHandle, SqlSession } from './connect.ts';

/** The migrations shipped with tenet. */
export const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');

/** The bookkeeping table; internal to the runner. */
export const MIGRATIONS_TABLE = 'tenet_migrations';

const FILE_PATTERN = /^(\d{4,})_[a-z0-9_]+\.sql$/;
const UP_MARKER = /^-- migrate:up\s*$/m;
const DOWN_MARKER = /^-- migrate:down\s*$/m;

/** One SQL migration file: `NNNN_name.sql` with `-- migrate:up` and `-- migrate:down` sections. */
export interface Migration {
  name: string;
  up: string;
  down: string;
  /** SHA-256 of the up section, to notice a migration edited after it was applied. */
  checksum: string;
}

/** A migration and whether it has been applied. */
export interface MigrationState {
  name: string;
  appliedAt: Date | null;
  /** The file's up section no longer matches what was applied. */
  changed: boolean;
  /** Applied in the database, but no such file exists. */
  unknown: boolean;
}

/** Parses one migration file's text. */
export function parseMigration(name: string, text: string): Migration {
  const upMatch = UP_MARKER.exec(text);
  const downMatch = DOWN_MARKER.exec(text);
  if (!upMatch || !downMatch || downMatch.index < upMatch.index) {
    throw new Error(`Migration ${name} needs a "-- migrate:up" section followed by "-- migrate:down"`);
  }
  const up = text.slice(upMatch.index + upMatch[0].length, downMatch.index).trim();
  const down = text.slice(downMatch.index + downMatch[0].length).trim();
  if (up === '') throw new Error(`Migration ${name} has an empty up section`);
  return { name, up, down, checksum: createHash('sha256').update(up).digest('hex') };
}

/**
 * tenet's migrations, then each of an app's folders in order. A name used twice is refused: the
 * runner keys applied migrations by name, so the second would be taken as applied and never run.
 */
export function loadAppMigrations(folders: readonly string[] = []): Migration[] {
  const migrations = [...loadMigrations(), ...folders.flatMap((folder) => loadMigrations(folder))];
  const seen = new Set<string>();
  for (const { name } of migrations) {
    if (seen.has(name)) throw new Error(`Migration name ${name} is used twice; rename the app's file`);
    seen.add(name);
  }
  return migrations;
}

/** Reads the migrations of a folder, in order of their number. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => FILE_PATTERN.test(file))
    .sort()
    .map((file) => parseMigration(file.replace(/\.sql$/, ''), readFileSync(join(dir, file), 'utf8')));
}

interface AppliedRow {
  name: string;
  checksum: string;
  applied_at: Date;
}

// One lock for every instance of tenet on this database, so two starting servers never race. It is
// transaction-scoped (released by COMMIT or ROLLBACK), taken before the bookkeeping table is even
// created: a session-level lock does not hold through a transaction-mode pooler (PgBouncer hands
// each transaction to any server connection), and an unlocked CREATE TABLE IF NOT EXISTS races on
// pg_type_typname_nsp_index.
const LOCK = `select pg_advisory_xact_lock(hashtext('${MIGRATIONS_TABLE}'))`;

/**
 * Runs `work` in one transaction that holds the migration lock and sees the applied list; each
 * migration inside runs in a savepoint (see {@link atomically}), so a failure keeps those before it.
 */
async function withMigrationLock<T>(
  handle: DatabaseHandle,
  work: (session: SqlSession, applied: AppliedRow[]) => Promise<T>,
): Promise<T> {
  return handle.withSession(async (session) => {
    await session.exec('BEGIN');
    let result: T;
    try {
      await session.query(LOCK);
      await session.exec(`
        CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
          name TEXT PRIMARY KEY,
          checksum TEXT NOT NULL,
          applied_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
        )`);
      const applied = await session.query<AppliedRow>(
        `select name, checksum, applied_at from ${MIGRATIONS_TABLE} order by name`,
      );
      result = await work(session, applied);
    } catch (error) {
      if (!(error instanceof PartialMigration)) {
        await session.exec('ROLLBACK');
        throw error;
      }
      // The migrations before the failing one stay applied, as if each had its own transaction.
      await session.exec('COMMIT');
      throw error.cause;
    }
    await session.exec('COMMIT');
    return result;
  });
}

/** A migration failed after others succeeded in the same run; those are kept. */
class PartialMigration extends Error {
  constructor(cause: unknown) {
    super('a migration failed', { cause });
  }
}

/** Runs one migration step all or nothing, inside the run's transaction. */
async function atomically(session: SqlSession, work: () => Promise<void>): Promise<void> {
  await session.exec('SAVEPOINT tenet_migration');
  try {
    await work();
    await session.exec('RELEASE SAVEPOINT tenet_migration');
  } catch (error) {
    await session.exec('ROLLBACK TO SAVEPOINT tenet_migration');
    throw new PartialMigration(error);
  }
}

/** Applies every pending migration in order, each all or nothing, under one lock; returns their names. */
export async function migrateUp(
  handle: DatabaseHandle,
  migrations: readonly Migration[] = loadMigrations(),
): Promise<string[]> {
  return withMigrationLock(handle, async (session, applied) => {
    const appliedByName = new Map(applied.map((row) => [row.name, row]));
    for (const migration of migrations) {
      const row = appliedByName.get(migration.name);
      if (row && row.checksum !== migration.checksum) {
        throw new Error(
          `Migration ${migration.name} was changed after it was applied; add a new migration instead`,
        );
      }
    }
    const done: string[] = [];
    for (const migration of migrations) {
      if (appliedByName.has(migration.name)) continue;
      await atomically(session, async () => {
        await session.exec(migration.up);
        await session.query(`insert into ${MIGRATIONS_TABLE} (name, checksum) values ($1, $2)`, [
          migration.name,
          migration.checksum,
        ]);
      });
      done.push(migration.name);
    }
    return done;
  });
}

/** Reverts the last `steps` applied migrations, newest first; returns their names. */
export async function migrateDown(
  handle: DatabaseHandle,
  steps = 1,
  migrations: readonly Migration[] = loadMigrations(),
): Promise<string[]> {
  const byName = new Map(migrations.map((migration) => [migration.name, migration]));
  return withMigrationLock(handle, async (session, applied) => {
    const done: string[] = [];
    for (const row of applied.slice(-steps).reverse()) {
      const migration = byName.get(row.name);
      if (!migration) throw new Error(`Cannot revert ${row.name}: its file is missing`);
      await atomically(session, async () => {
        if (migration.down !== '') await session.exec(migration.down);
        await session.query(`delete from ${MIGRATIONS_TABLE} where name = $1`, [row.name]);
      });
      done.push(row.name);
    }
    return done;
  });
}

/** Lists every migration, applied or pending, and any applied one whose file is gone. */
export async function migrationStatus(
  handle: DatabaseHandle,
  migrations: readonly Migration[] = loadMigrations(),
): Promise<MigrationState[]> {
  return withMigrationLock(handle, async (_session, applied) => {
    const appliedByName = new Map(applied.map((row) => [row.name, row]));
    const states: MigrationState[] = migrations.map((migration) => {
      const row = appliedByName.get(migration.name);
      return {
        name: migration.name,
        appliedAt: row ? new Date(row.applied_at) : null,
        changed: row !== undefined && row.checksum !== migration.checksum,
        unknown: false,
      };
    });
    const known = new Set(migrations.map((migration) => migration.name));
    for (const row of applied) {
      if (!known.has(row.name)) {
        states.push({ name: row.name, appliedAt: new Date(row.applied_at), changed: false, unknown: true });
      }
    }
    return states.sort((a, b) => a.name.localeCompare(b.name));
  });
}
