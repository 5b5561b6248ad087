import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { hashPassword } from '../src/auth/passwords.ts';
import { SEED_PASSWORD, seedCommand } from '../src/cli/seed-command.ts';
import type { DatabaseConfig } from '../src/config.ts';
import { connectDatabase } from '../src/db/connect.ts';
import { SEED_BATCH_SIZE, seedPosts, seedUsers } from '../src/db/seed-repository.ts';
import { ulidTime } from '../src/protocol/ids.ts';
import { call, dataOf, type Page } from './api-requests.ts';
import { buildTestApp, createTestDatabase, type TestApp, temporaryDirectory, testConfig } from './helpers.ts';
import { createSession } from './sessions.ts';

let t: TestApp;

before(async () => {
  t = await buildTestApp();
});
after(async () => {
  await t.close();
});

function streams() {
  const written = { out: [] as string[], error: [] as string[], progress: '' };
  const io = {
    out: (text: string) => {
      written.out.push(text);
    },
    error: (text: string) => {
      written.error.push(text);
    },
    progress: {
      write: (text: string) => {
        written.progress += text;
      },
      isTTY: false,
    },
  };
  return { io, written };
}

async function count(query: ReturnType<typeof sql<{ count: string }>>): Promise<number> {
  return Number((await query.execute(t.database.db)).rows[0]?.count);
}

describe('seeding', () => {
  test('users and posts in batches, counters exact, post ids ULIDs of their created_at, one shared password', async () => {
    const users = SEED_BATCH_SIZE * 2 + 345;
    const ids = await seedUsers(t.database.db, {
      count: users,
      passwordHash: await hashPassword(SEED_PASSWORD),
      tag: 'unit',
    });
    assert.equal(new Set(ids).size, users);
    await seedPosts(t.database.db, { count: 6_000, userIds: ids });
    assert.equal(await count(sql`select count(*) from users where email like 'seed-unit-%'`), users);
    assert.equal(await count(sql`select count(*) from posts`), 6_000);

    const admin = await createSession(t, { role: 'admin' });
    const listed = dataOf<Page<{ id: string }>>(await call(t, { url: '/api/users?pageSize=1', as: admin }));
    assert.equal(listed.pagination.totalItems, users + 1, 'the counters saw every seeded row');
    const busiest = (
      await sql<{ user_id: string; count: string }>`
        select user_id, count(*) from posts group by user_id order by count(*) desc limit 1`.execute(
        t.database.db,
      )
    ).rows[0];
    assert.ok(busiest);
    const page = dataOf<Page<{ id: string; createdAt: string }>>(
      await call(t, { url: `/api/users/${busiest.user_id}/posts`, as: admin }),
    );
    assert.equal(page.pagination.totalItems, Number(busiest.count));
    for (const post of page.items) assert.equal(ulidTime(post.id), Date.parse(post.createdAt));

    const login = await call(t, {
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'seed-unit-7@example.com', password: SEED_PASSWORD },
    });
    assert.equal(login.statusCode, 200, login.body);
  });

  test('tenet seed: its own connection, a progress bar on stderr, a summary on stdout', async () => {
    const server = await createTestDatabase();
    const dir = temporaryDirectory();
    // In-memory PGlite lives inside one connection, so the command gets a PGlite folder instead.
    const database: DatabaseConfig =
      server.config.kind === 'memory' ? { kind: 'pglite', dataDir: join(dir.path, 'pgdata') } : server.config;
    try {
      const { io, written } = streams();
      const code = await seedCommand(testConfig(database), ['--users', '7000', '--posts', '3000'], io);
      assert.equal(code, 0, written.error.join('\n'));
      assert.match(
        written.out.join('\n'),
        /^Seeded 7,000 users and 3,000 posts in [\d.]+ s \([\d,]+ rows\/s\)/,
      );
      assert.match(written.out.join('\n'), new RegExp(`password is "${SEED_PASSWORD}"`));
      assert.match(written.progress, /users \[#{30}\] 100% 7,000\/7,000/);
      assert.match(written.progress, /posts \[#{30}\] 100% 3,000\/3,000/);
      const again = streams();
      assert.equal(
        await seedCommand(testConfig(database), ['--posts', '10'], again.io),
        0,
        'posts for existing users',
      );
      const handle = await connectDatabase(database);
      try {
        const rows = await sql<{ users: string; posts: string }>`
          select (select count(*) from users) as users, (select count(*) from posts) as posts`.execute(
          handle.db,
        );
        assert.deepEqual([Number(rows.rows[0]?.users), Number(rows.rows[0]?.posts)], [7_000, 3_010]);
      } finally {
        await handle.close();
      }
    } finally {
      dir.remove();
      await server.drop();
    }
  });

  test('tenet seed refuses production and bad arguments', async () => {
    const production = { ...t.config, env: 'production' as const };
    const refused = streams();
    assert.equal(await seedCommand(production, ['--users', '1'], refused.io), 1);
    assert.match(refused.written.error.join('\n'), /refuses to run with NODE_ENV=production/);
    for (const args of [
      [],
      ['--users', '0'],
      ['--users', 'abc'],
      ['--users', '1.5'],
      ['--posts', '-1'],
      ['--users', '10000001'],
      ['--nope'],
    ]) {
      const { io, written } = streams();
      assert.equal(await seedCommand(t.config, args, io), 2, args.join(' '));
      assert.match(written.error.join('\n'), /Usage: tenet seed/);
    }
  });
});
