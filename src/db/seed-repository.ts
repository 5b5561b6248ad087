import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

/** Rows per INSERT statement: large enough to amortise round trips and triggers, small enough to stream. */
export const SEED_BATCH_SIZE = 5_000;

/** Reports progress: rows written so far. */
export type SeedProgress = (written: number) => void;

/** Options for {@link seedUsers}. */
export interface SeedUsersOptions {
  count: number;
  /** One hash for every seeded user: hashing a million passwords with argon2id would take hours. */
  passwordHash: string;
  /** Makes this run's e-mails unique: `seed-<tag>-<n>@example.com`. */
  tag: string;
  onProgress?: SeedProgress;
}

/**
 * Inserts `count` users with batched `INSERT … SELECT generate_series` statements, created at
 * random times over the past year; returns their ids (for posts).
 */
export async function seedUsers(db: Kysely<Database>, options: SeedUsersOptions): Promise<string[]> {
  const ids: string[] = [];
  for (let first = 1; first <= options.count; first += SEED_BATCH_SIZE) {
    const last = Math.min(first + SEED_BATCH_SIZE - 1, options.count);
    const result = await sql<{ id: string }>`
      insert into users (email, password_hash, display_name, created_at, updated_at)
      select 'seed-' || ${options.tag} || '-' || n || '@example.com', ${options.passwordHash},
             'Seed User ' || n, at, at
      from (select n, date_trunc('milliseconds', now() - random() * interval '365 days') as at
            from generate_series(${first}::int, ${last}::int) as n) as rows
      returning id`.execute(db);
    for (const row of result.rows) ids.push(row.id);
    options.onProgress?.(last);
  }
  return ids;
}

/** The ids of every live user, for posts when no users are seeded in the same run. */
export async function liveUserIds(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('users').select('id').where('deleted_at', 'is', null).execute();
  return rows.map((row) => row.id);
}

/** Options for {@link seedPosts}. */
export interface SeedPostsOptions {
  count: number;
  /** The authors; each post goes to one of them, picked at random. */
  userIds: readonly string[];
  onProgress?: SeedProgress;
}

/**
 * Inserts `count` posts spread over `userIds`, in batches. Each id is a ULID whose time is the
 * post's `created_at` (random over the past year, whole milliseconds), like the ids the app makes.
 */
export async function seedPosts(db: Kysely<Database>, options: SeedPostsOptions): Promise<void> {
  const { userIds } = options;
  if (options.count > 0 && userIds.length === 0) throw new Error('No users to write posts for');
  for (let first = 1; first <= options.count; first += SEED_BATCH_SIZE) {
    const last = Math.min(first + SEED_BATCH_SIZE - 1, options.count);
    const authors = Array.from(
      { length: last - first + 1 },
      () => userIds[Math.floor(Math.random() * userIds.length)] as string,
    );
    await sql`
      insert into posts (id, user_id, title, body, created_at, updated_at)
      select encode(overlay(uuid_send(uuid_generate_v4())
               placing substring(int8send((extract(epoch from at) * 1000)::bigint) from 3) from 1 for 6), 'hex')::uuid,
             author, 'Seed post ' || (${first - 1}::int + n), 'Seeded body of post ' || (${first - 1}::int + n), at, at
      from (select author, n, date_trunc('milliseconds', now() - random() * interval '365 days') as at
            from unnest(${authors}::uuid[]) with ordinality as picked(author, n)) as rows`.execute(db);
    options.onProgress?.(last);
  }
}

/** Refreshes planner statistics and the visibility map, so deep pages can use index-only scans. */
export async function analyzeSeededTables(db: Kysely<Database>): Promise<void> {
  await sql`vacuum (analyze) users, posts, row_counts`.execute(db);
}
