import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { SHUTDOWN_GRACE_MS } from '../src/app/server.ts';
import { createTestDatabase, engine, type TestDatabase } from './helpers.ts';
import { type ApiAnswer, ApiClient, randomClientIp, uniqueEmail } from './support/api-client.ts';
import {
  errorLogLines,
  sleep,
  startTenet,
  summarizeLogLine,
  type TenetProcess,
  waitFor,
} from './support/processes.ts';
import { TcpProxy } from './support/services.ts';

// Faults against `tenet start` as a real process. They need a PostgreSQL server (and Redis): they
// run in the PostgreSQL pass of `npm test` (DATABASE_URL set) and say so when skipped on PGlite.
const skip = engine === 'pglite' && 'needs a PostgreSQL server; runs in the PostgreSQL pass (DATABASE_URL)';
const REDIS_PORT = 6379;

let testDatabase: TestDatabase;
let databaseUrl = '';
const owned: TenetProcess[] = [];

before(async () => {
  if (skip) return;
  testDatabase = await createTestDatabase();
  databaseUrl = testDatabase.config.kind === 'postgres' ? testDatabase.config.url : '';
});
after(async () => {
  for (const server of owned) await server.stop('SIGKILL');
  if (!skip) await testDatabase.drop();
});

function environment(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    // Required in production; the test's client is not a browser and sends no Origin.
    PUBLIC_URL: 'https://tenet.example.test',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: 'faults-jwt-secret-0123456789abcdefghijklmnop',
    CSRF_SECRET: 'faults-csrf-secret-0123456789abcdefghijklmno',
    // The test is the only client; its X-Forwarded-For names the client so limits are per test.
    TRUST_PROXY: '127.0.0.1',
    LOGIN_RATE_LIMIT: '1000',
    MAX_EVENT_LOOP_DELAY: '0',
    ...overrides,
  };
}

async function start(overrides: Record<string, string> = {}): Promise<TenetProcess> {
  const server = await startTenet(environment(overrides));
  owned.push(server);
  return server;
}

/** A direct connection (not through any proxy) for holding locks and checking rows. */
async function direct(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return client;
}

/** Waits until `count` queries of this database wait on a lock (requests parked in the database). */
async function waitForLockWaiters(admin: pg.Client, count: number): Promise<void> {
  await waitFor(
    async () => {
      // Inside the lock's transaction pg_stat_activity is a snapshot taken once; take a new one.
      await admin.query('select pg_stat_clear_snapshot()');
      const result = await admin.query<{ count: number }>(
        `select count(*)::int as count from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock'`,
      );
      return (result.rows[0]?.count ?? 0) >= count;
    },
    20_000,
    `${count} queries did not reach the lock`,
  );
}

function assertUnavailable(answer: ApiAnswer, what: string): void {
  assert.equal(answer.status, 503, `${what}: ${answer.status} ${answer.text}`);
  assert.equal(answer.body?.error?.code, 'SERVICE_UNAVAILABLE', what);
  assert.match(answer.headers.get('retry-after') ?? '', /^\d+$/, `${what} has Retry-After`);
}

/** Asserts no error in the logs, except the 503s the fault itself causes when `expected503` is set. */
function assertNoErrorLogs(server: TenetProcess, expected503 = false): void {
  const lines = errorLogLines(server.output()).filter(
    (line) => !(expected503 && line.includes('"code":"SERVICE_UNAVAILABLE"')),
  );
  assert.deepEqual(lines.map(summarizeLogLine), [], 'no error in the logs');
}

describe('faults against tenet start, on PostgreSQL (PostgreSQL pass only)', { skip }, () => {
  test('kill -9 right after the 20th 201: all 20 posts are there after a restart', async () => {
    const first = await start();
    const client = new ApiClient(first.url);
    const userId = await client.signUpAndLogin();
    const created: string[] = [];
    for (let index = 0; index < 20; index++) {
      const answer = await client.call('POST', `/api/users/${userId}/posts`, {
        title: `kill ${index}`,
        body: 'b',
      });
      assert.equal(answer.status, 201, answer.text);
      created.push(answer.body.data.id);
    }
    await first.stop('SIGKILL');
    assert.equal(first.child.signalCode, 'SIGKILL');

    const second = await start();
    client.base = second.url;
    const list = await client.call('GET', `/api/users/${userId}/posts?pageSize=100`);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.data.items.map((post: { id: string }) => post.id).sort(), [...created].sort());
    assert.equal(list.body.data.pagination.totalItems, 20);
    assert.equal(await second.stop('SIGTERM'), 0);
    assertNoErrorLogs(second);
  });

  test('SIGTERM with 20 requests in flight: each a complete 2xx (or 503 with Retry-After), exit 0 within the grace period', async () => {
    const server = await start({ DATABASE_POOL_SIZE: '30' });
    const client = new ApiClient(server.url);
    const userId = await client.signUpAndLogin();
    const admin = await direct();
    try {
      // Park 20 reads in the database behind a table lock, so that all are in flight at SIGTERM.
      await admin.query('begin');
      await admin.query('lock table posts in access exclusive mode');
      const answers = Array.from({ length: 20 }, () =>
        client.call('GET', `/api/users/${userId}/posts`).then(
          (answer) => answer,
          (error: unknown) => error as Error,
        ),
      );
      await waitForLockWaiters(admin, 20);
      const signalled = Date.now();
      process.kill(server.pid, 'SIGTERM');
      await sleep(300);
      await admin.query('commit');
      const settled = await Promise.all(answers);
      const code = await server.exited;
      const elapsed = Date.now() - signalled;
      for (const answer of settled) {
        assert.ok(!(answer instanceof Error), `a request was reset: ${String(answer)}`);
        if (answer.status !== 200) assertUnavailable(answer, 'an in-flight request');
        else assert.equal(answer.body.success, true);
      }
      assert.equal(code, 0, server.output());
      assert.ok(elapsed < SHUTDOWN_GRACE_MS, `exited after ${elapsed} ms`);
      const ok = settled.filter((answer) => !(answer instanceof Error) && answer.status === 200).length;
      console.log(`SIGTERM: ${ok}/20 in-flight answered 200, ${20 - ok} 503; exit 0 after ${elapsed} ms`);
      assert.match(server.output(), /shutting down/);
      assertNoErrorLogs(server);
    } finally {
      await admin.end();
    }
  });

  test('the database goes away and returns (TCP proxy): 503 with Retry-After within 5 s, 200 again within 15 s, in-flight writes whole or 503', async () => {
    const proxy = new TcpProxy('127.0.0.1', Number(new URL(databaseUrl).port || 5432));
    await proxy.up();
    const admin = await direct();
    try {
      const server = await start({ DATABASE_URL: proxy.rewrite(databaseUrl), DATABASE_POOL_SIZE: '30' });
      const client = new ApiClient(server.url);
      const userId = await client.signUpAndLogin();
      const read = () => client.call('GET', `/api/users/${userId}/posts`);
      assert.equal((await read()).status, 200);

      // 20 writes in flight: parked behind a lock when the connection to the database is cut.
      await admin.query('begin');
      await admin.query('lock table posts in access exclusive mode');
      const writes = Array.from({ length: 20 }, (_, index) =>
        client.call('POST', `/api/users/${userId}/posts`, { title: `outage ${index}`, body: 'b' }),
      );
      await waitForLockWaiters(admin, 20);
      const cut = Date.now();
      await proxy.down();
      await admin.query('commit');

      let health: ApiAnswer | undefined;
      await waitFor(
        async () => {
          health = await client.call('GET', '/api/health');
          assert.notEqual(health.status, 500, health.text);
          return health.status === 503;
        },
        5_000,
        'health did not turn 503',
      );
      const unavailableAfter = Date.now() - cut;
      assert.ok(unavailableAfter <= 5_000);
      assertUnavailable(health as ApiAnswer, 'health during the outage');
      assertUnavailable(await read(), 'a read during the outage');
      // A single item (the compiled find-by-id query) answers the same 503.
      assertUnavailable(await client.call('GET', `/api/users/${userId}`), 'a read by id during the outage');
      const written = await Promise.all(writes);
      for (const answer of written) {
        if (answer.status !== 201) assertUnavailable(answer, 'a write cut in flight');
      }

      await proxy.up();
      const restored = Date.now();
      await waitFor(
        async () => {
          const answer = await client.call('GET', '/api/health');
          assert.notEqual(answer.status, 500, answer.text);
          return answer.status === 200;
        },
        15_000,
        'health did not return to 200',
      );
      assert.ok(Date.now() - restored <= 15_000);
      const list = await read();
      assert.equal(list.status, 200, list.text);
      const item = await client.call('GET', `/api/users/${userId}`);
      assert.equal(item.status, 200, item.text);
      const committed = written.filter((answer) => answer.status === 201).length;
      console.log(
        `database outage: 503 after ${unavailableAfter} ms, 200 again ` +
          `${Date.now() - restored} ms after the return; in-flight writes ${committed} x 201, ${20 - committed} x 503`,
      );

      // A write cut off from its client while it waited on the lock still runs and commits when the
      // lock goes (its client saw 503: an outcome it cannot know). Count only once none is left.
      await waitFor(
        async () => {
          await admin.query('select pg_stat_clear_snapshot()');
          const running = await admin.query<{ count: number }>(
            `select count(*)::int as count from pg_stat_activity
             where datname = current_database() and pid <> pg_backend_pid() and state = 'active'`,
          );
          return running.rows[0]?.count === 0;
        },
        20_000,
        'the cut-off writes did not finish',
      );
      // Every 201 is there; every post there is whole; the list count kept in step with the rows.
      const rows = await admin.query<{ id: string; title: string; body: string }>(
        'select id, title, body from posts where user_id = $1 and deleted_at is null',
        [userId],
      );
      const titles = new Set(rows.rows.map((row) => row.title));
      for (const [index, answer] of written.entries()) {
        if (answer.status === 201)
          assert.ok(titles.has(`outage ${index}`), `the 201 of write ${index} is kept`);
      }
      for (const row of rows.rows) assert.equal(row.body, 'b');
      const counted = await admin.query<{ live: string | null }>(
        `select sum(live_rows)::text as live from row_counts
         where table_name = 'posts' and scope_column = 'user_id' and scope_value = $1`,
        [userId],
      );
      assert.equal(Number(counted.rows[0]?.live ?? 0), rows.rows.length, 'no write half-applied');
      const settled = await read();
      assert.equal(settled.body.data.pagination.totalItems, rows.rows.length);
      assert.equal(await server.stop('SIGTERM'), 0);
      // The only errors logged are the 503s of the outage itself (no 500, no crash).
      assertNoErrorLogs(server, true);
    } finally {
      await admin.end();
      await proxy.down();
    }
  });

  test('Redis goes away (TCP proxy): login limits fall back to the in-process limiter, never 500, and Redis is used again when it returns', async () => {
    const proxy = new TcpProxy('127.0.0.1', REDIS_PORT);
    await proxy.up();
    const redis = new Redis(REDIS_PORT, '127.0.0.1', { lazyConnect: true });
    await redis.connect();
    try {
      const server = await start({ REDIS_URL: `redis://127.0.0.1:${proxy.port}`, LOGIN_RATE_LIMIT: '3' });
      const owner = new ApiClient(server.url);
      const email = uniqueEmail('redis');
      await owner.signUpAndLogin(email, 'correct-password-1');

      await proxy.down();
      const attacker = new ApiClient(server.url);
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        const answer = await attacker.call('POST', '/api/auth/login', { email, password: 'wrong-password' });
        statuses.push(answer.status);
        if (answer.status === 429) assert.match(answer.headers.get('retry-after') ?? '', /^\d+$/);
      }
      assert.deepEqual(statuses, [401, 401, 401, 429, 429], 'the in-process limiter still limits');
      const other = new ApiClient(server.url);
      await other.signUpAndLogin();
      assert.equal(
        (await other.call('GET', '/api/auth/me')).status,
        200,
        'sign-in still works without Redis',
      );
      assert.equal((await other.call('GET', '/api/health')).status, 200);

      await proxy.up();
      // A new e-mail and address each poll: until ioredis has reconnected (its back-off reaches
      // seconds) the in-process limiter counts the attempts, and a fourth on one e-mail is a 429.
      await waitFor(
        async () => {
          const returning = uniqueEmail('back');
          const answer = await new ApiClient(server.url, randomClientIp()).call('POST', '/api/auth/login', {
            email: returning,
            password: 'wrong-password',
          });
          assert.equal(answer.status, 401, answer.text);
          return (await redis.exists(`tenet:login:email:${returning}`)) === 1;
        },
        15_000,
        'login counts did not go back to Redis',
      );
      assert.equal(await server.stop('SIGTERM'), 0);
      assertNoErrorLogs(server);
    } finally {
      redis.disconnect();
      await proxy.down();
    }
  });

  test('pool exhaustion: more slow requests than pool connections get 503 with Retry-After after a bounded wait', async () => {
    const server = await start({ DATABASE_POOL_SIZE: '2' });
    const client = new ApiClient(server.url);
    const userId = await client.signUpAndLogin();
    const admin = await direct();
    try {
      await admin.query('begin');
      await admin.query('lock table posts in access exclusive mode');
      const started = Date.now();
      const settled: { answer: ApiAnswer; ms: number }[] = [];
      const answers = Array.from({ length: 8 }, () =>
        client.call('GET', `/api/users/${userId}/posts`).then((answer) => {
          const entry = { answer, ms: Date.now() - started };
          settled.push(entry);
          return entry;
        }),
      );
      await waitForLockWaiters(admin, 2);
      // The requests that found no connection give up on their own, while the lock is still held.
      await waitFor(() => settled.length >= 6, 15_000, 'the requests over the pool size did not answer');
      console.log(`pool exhaustion: 503s after ${settled.map(({ ms }) => ms).join(', ')} ms`);
      for (const { answer, ms } of settled) {
        assertUnavailable(answer, 'a request waiting for a connection');
        assert.ok(ms < 15_000, `answered after ${ms} ms`);
      }
      await admin.query('commit');
      const all = await Promise.all(answers);
      for (const { answer } of all) {
        if (answer.status !== 200) assertUnavailable(answer, 'a request over the pool size');
      }
      assert.equal(
        all.filter(({ answer }) => answer.status === 200).length,
        2,
        'the two holding connections finish',
      );
      assert.equal((await client.call('GET', '/api/health')).status, 200);
      assert.equal(await server.stop('SIGTERM'), 0);
      assertNoErrorLogs(server, true);
    } finally {
      await admin.end();
    }
  });
});
