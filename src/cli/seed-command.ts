import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { hashPassword } from '../auth/passwords.ts';
import type { Config } from '../config.ts';
import { connectDatabase } from '../db/connect.ts';
import { migrateUp } from '../db/migrate.ts';
import { analyzeSeededTables, liveUserIds, seedPosts, seedUsers } from '../db/seed-repository.ts';
import { createProgressBar, type ProgressStream } from './progress-bar.ts';

/** The password of every seeded user (development data only: seeding refuses production). */
export const SEED_PASSWORD = 'seed-password';

/** The most rows one run may write per table. */
export const SEED_MAX_ROWS = 10_000_000;

/** Where `tenet seed` writes: answers to `out`, problems to `error`, the progress bar to `progress`. */
export interface SeedCommandIo {
  out(text: string): void;
  error(text: string): void;
  progress: ProgressStream;
}

const USAGE = 'Usage: tenet seed [--users N] [--posts M]   (N, M: 0 to 10,000,000)';

function count(value: string | undefined): number | undefined {
  if (value === undefined) return 0;
  if (!/^\d{1,8}$/.test(value)) return undefined;
  const parsed = Number(value);
  return parsed <= SEED_MAX_ROWS ? parsed : undefined;
}

/**
 * `tenet seed --users N --posts M`: fills the database with fake users (all sharing one password
 * hash, computed once) and posts spread over them, in batched multi-row inserts, with a progress
 * bar. Refuses to run in production.
 */
export async function seedCommand(config: Config, args: string[], io: SeedCommandIo): Promise<number> {
  // Fake accounts with a published password must never land in a production database.
  if (config.env === 'production') {
    io.error(
      'tenet seed refuses to run with NODE_ENV=production: it writes fake accounts with a known password.',
    );
    return 1;
  }
  let values: { users?: string; posts?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: { users: { type: 'string' }, posts: { type: 'string' } },
    }));
  } catch (error) {
    io.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const users = count(values.users);
  const posts = count(values.posts);
  if (users === undefined || posts === undefined || users + posts === 0) {
    io.error(USAGE);
    return 2;
  }
  const database = await connectDatabase(config.database);
  try {
    await migrateUp(database);
    const started = performance.now();
    let userIds: string[] = [];
    if (users > 0) {
      const bar = createProgressBar(io.progress, 'users', users);
      const passwordHash = await hashPassword(SEED_PASSWORD);
      userIds = await seedUsers(database.db, {
        count: users,
        passwordHash,
        tag: randomBytes(3).toString('hex'),
        onProgress: (written) => bar.update(written),
      });
      bar.finish();
    }
    if (posts > 0) {
      if (userIds.length === 0) userIds = await liveUserIds(database.db);
      if (userIds.length === 0) {
        io.error('There are no users to write posts for: seed some with --users.');
        return 1;
      }
      const bar = createProgressBar(io.progress, 'posts', posts);
      await seedPosts(database.db, { count: posts, userIds, onProgress: (written) => bar.update(written) });
      bar.finish();
    }
    await analyzeSeededTables(database.db);
    const seconds = (performance.now() - started) / 1000;
    const rate = Math.round((users + posts) / seconds).toLocaleString('en-US');
    io.out(
      `Seeded ${users.toLocaleString('en-US')} users and ${posts.toLocaleString('en-US')} posts ` +
        `in ${seconds.toFixed(1)} s (${rate} rows/s).` +
        (users > 0 ? ` Every seeded user's password is "${SEED_PASSWORD}".` : ''),
    );
    return 0;
  } finally {
    await database.close();
  }
}
