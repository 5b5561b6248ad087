import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer } from '../src/app/server.ts';
import { ensureAdmin } from '../src/auth/admin.ts';
import { PasswordHasher, verifyPassword } from '../src/auth/passwords.ts';
import { hashRefreshToken } from '../src/auth/refresh-tokens.ts';
import { cleanUpSessions } from '../src/auth/session-repository.ts';
import { connectDatabase } from '../src/db/connect.ts';
import {
  buildTestApp,
  createTestDatabase,
  databaseUrl,
  engine,
  type TestApp,
  temporaryDirectory,
  testConfig,
} from './helpers.ts';
import { createSession } from './sessions.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'tenet.js');

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => {
  await t.close();
});

describe('the first admin', () => {
  test('ensureAdmin creates, then leaves alone, and promotes an existing user without touching the password', async () => {
    const hasher = new PasswordHasher();
    const admin = { email: ' Root@Example.com ', password: 'admin-password-1' };
    assert.equal(await ensureAdmin(t.database.db, hasher, admin), 'created');
    assert.equal(await ensureAdmin(t.database.db, hasher, admin), 'unchanged');
    const row = await t.database.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', 'root@example.com')
      .executeTakeFirstOrThrow();
    assert.equal(row.role, 'admin');
    assert.ok((await verifyPassword(row.password_hash, 'admin-password-1')).valid);

    const user = await createSession(t);
    assert.equal(
      await ensureAdmin(t.database.db, hasher, { email: user.user.email, password: 'ignored-password' }),
      'promoted',
    );
    const promoted = await t.database.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', user.user.id)
      .executeTakeFirstOrThrow();
    assert.equal(promoted.role, 'admin');
    assert.ok(
      (await verifyPassword(promoted.password_hash, user.password)).valid,
      'the password is unchanged',
    );
  });

  test('ADMIN_EMAIL and ADMIN_PASSWORD create the admin at start, idempotently across restarts', async () => {
    const testDatabase = await createTestDatabase();
    const dir = temporaryDirectory();
    try {
      const database =
        testDatabase.config.kind === 'memory'
          ? { kind: 'pglite' as const, dataDir: join(dir.path, 'pgdata') }
          : testDatabase.config;
      const config = {
        ...testConfig(database, {
          PORT: '0',
          ADMIN_EMAIL: 'boss@example.com',
          ADMIN_PASSWORD: 'boss-password-1',
        }),
      };
      for (let run = 0; run < 2; run++) {
        const server = await startServer(config);
        try {
          const login = await fetch(`${server.url}/api/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: 'boss@example.com', password: 'boss-password-1' }),
          });
          assert.equal(login.status, 200);
          assert.equal(((await login.json()) as { data: { role: string } }).data.role, 'admin');
        } finally {
          await server.stop();
        }
      }
    } finally {
      dir.remove();
      await testDatabase.drop();
    }
  });
});

describe('tenet users create', () => {
  async function run(args: string[], stdin: string, env: Record<string, string>, cwd: string) {
    const child = spawn(process.execPath, [BIN, 'users', ...args], {
      cwd,
      env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.stdin.end(stdin);
    const [code] = await once(child, 'exit');
    return { code: code as number, out, err };
  }

  test('creates an admin with the password from standard input; never takes it as an argument', async () => {
    const testDatabase = await createTestDatabase();
    const dir = temporaryDirectory();
    try {
      const env: Record<string, string> =
        engine === 'postgres' ? { DATABASE_URL: databaseUrl(testDatabase.config) } : {};
      const created = await run(
        ['create', '--email', 'Ops@Example.com', '--admin'],
        'ops-password-1\n',
        env,
        dir.path,
      );
      assert.equal(created.code, 0, created.err);
      assert.match(created.out, /created admin ops@example\.com/);

      const duplicate = await run(
        ['create', '--email', 'ops@example.com'],
        'another-password\n',
        env,
        dir.path,
      );
      assert.equal(duplicate.code, 1);
      assert.match(duplicate.err, /already exists/);

      const withArgument = await run(
        ['create', '--email', 'x@example.com', '--password', 'secret123'],
        '',
        env,
        dir.path,
      );
      assert.equal(withArgument.code, 2);
      const short = await run(['create', '--email', 'y@example.com'], 'short\n', env, dir.path);
      assert.equal(short.code, 2);
      assert.match(short.err, /at least 8/);

      const database = await connectDatabase(
        engine === 'postgres'
          ? testDatabase.config
          : { kind: 'pglite', dataDir: join(dir.path, '.tenet', 'pgdata') },
      );
      try {
        const rows = await database.db
          .selectFrom('users')
          .select(['email', 'role', 'password_hash'])
          .execute();
        assert.deepEqual(
          rows.map((r) => [r.email, r.role]),
          [['ops@example.com', 'admin']],
        );
        assert.ok((await verifyPassword(rows[0]?.password_hash ?? '', 'ops-password-1')).valid);
      } finally {
        await database.close();
      }
    } finally {
      dir.remove();
      await testDatabase.drop();
    }
  });
});

describe('session clean-up', () => {
  test('expired refresh tokens are deleted and sealed successors dropped after the grace window', async () => {
    const session = await createSession(t);
    const db = t.database.db;
    const family = (
      await db
        .selectFrom('refresh_tokens')
        .select('family_id')
        .where('user_id', '=', session.user.id)
        .executeTakeFirstOrThrow()
    ).family_id;
    const past = new Date(Date.now() - 60_000);
    const expired = await db
      .insertInto('refresh_tokens')
      .values({
        user_id: session.user.id,
        family_id: family,
        token_hash: hashRefreshToken('expired'),
        expires_at: past,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const used = await db
      .insertInto('refresh_tokens')
      .values({
        user_id: session.user.id,
        family_id: family,
        token_hash: hashRefreshToken('used'),
        expires_at: new Date(Date.now() + 60_000),
        used_at: past,
        successor_ciphertext: 'sealed',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const deleted = await cleanUpSessions(db, 10);
    assert.ok(deleted !== null && deleted >= 1);
    const ids = (
      await db.selectFrom('refresh_tokens').select('id').where('user_id', '=', session.user.id).execute()
    ).map((r) => r.id);
    assert.ok(!ids.includes(expired.id));
    const kept = await db
      .selectFrom('refresh_tokens')
      .select('successor_ciphertext')
      .where('id', '=', used.id)
      .executeTakeFirstOrThrow();
    assert.equal(kept.successor_ciphertext, null);
    assert.equal((await t.app.inject({ url: '/api/auth/me', headers: session.headers })).statusCode, 200);
  });

  test('one instance at a time: a clean-up that finds the lock taken skips', {
    skip: engine === 'pglite' && 'PGlite has a single connection; this needs a PostgreSQL server',
  }, async () => {
    await t.database.withSession(async (session) => {
      await session.exec('BEGIN');
      await session.query(`select pg_advisory_xact_lock(hashtext('tenet_session_cleanup'))`);
      try {
        assert.equal(await cleanUpSessions(t.database.db, 10), null);
      } finally {
        await session.exec('COMMIT');
      }
    });
    assert.notEqual(await cleanUpSessions(t.database.db, 10), null);
  });
});
