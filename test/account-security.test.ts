import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { insertAccount } from '../src/auth/account-repository.ts';
import { AdminBootstrapError, ensureAdmin } from '../src/auth/admin.ts';
import { hashPassword, PasswordHasher, verifyPassword } from '../src/auth/passwords.ts';
import { usersCommand } from '../src/cli/users-command.ts';
import { connectDatabase, type DatabaseHandle } from '../src/db/connect.ts';
import { migrateUp } from '../src/db/migrate.ts';
import type { Session } from '../src/protocol/routes/auth.ts';
import { type ApiResponse, call, dataOf, errorOf, type Page } from './api-requests.ts';
import {
  buildTestApp,
  createTestDatabase,
  engine,
  type TestApp,
  temporaryDirectory,
  testConfig,
} from './helpers.ts';
import { createSession, sessionHeaders, storeCookies, type TestSession } from './sessions.ts';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => {
  await t.close();
});

const unique = () => randomBytes(5).toString('hex');

function login(app: TestApp, email: string, password: string, headers: Record<string, string> = {}) {
  return app.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, headers });
}

/** Signs in again as the same user: a second session (another browser). */
async function secondSession(app: TestApp, session: TestSession): Promise<TestSession> {
  const response = await login(app, session.user.email, session.password, {
    'user-agent': 'Other Browser/2',
  });
  assert.equal(response.statusCode, 200, response.body);
  const jar = storeCookies(new Map(), response.headers['set-cookie'] as string[]);
  return { ...session, jar, headers: sessionHeaders(jar) };
}

function assertRevoked(response: ApiResponse): void {
  errorOf(response, 401, 'TOKEN_INVALID');
}

describe('password change', () => {
  test('204 with new cookies; the new password signs in, the old does not; every other session is revoked', async () => {
    const alice = await createSession(t);
    const other = await secondSession(t, alice);
    const response = await call(t, {
      method: 'POST',
      url: '/api/auth/password',
      as: alice,
      payload: { currentPassword: alice.password, newPassword: 'brand-new-password' },
    });
    assert.equal(response.statusCode, 204, response.body);
    const cookies = (response.headers['set-cookie'] as string[]).join('\n');
    assert.match(cookies, /access_token=[^;]+; Max-Age=900/);
    assert.match(cookies, /refresh_token=[^;]+/);
    const jar = storeCookies(new Map(alice.jar), response.headers['set-cookie'] as string[]);
    const rotated = { headers: sessionHeaders(jar) };
    assert.equal(
      (await call(t, { url: '/api/auth/me', as: rotated })).statusCode,
      200,
      'this browser continues',
    );
    assertRevoked(await call(t, { url: '/api/auth/me', as: other }));
    assertRevoked(await call(t, { url: '/api/auth/me', as: alice }));
    const refreshOther = await call(t, { method: 'POST', url: '/api/auth/refresh', as: other });
    assert.equal(refreshOther.statusCode, 401);
    assert.equal((await login(t, alice.user.email, alice.password)).statusCode, 401);
    assert.equal((await login(t, alice.user.email, 'brand-new-password')).statusCode, 200);
    const audit = await t.database.db
      .selectFrom('audit_logs')
      .select(['action', 'request_id'])
      .where('user_id', '=', alice.user.id)
      .where('action', '=', 'password.change')
      .execute();
    assert.equal(audit.length, 1);
  });

  test('a wrong current password: 401 INVALID_CREDENTIALS, nothing changes; limited like sign-in (429)', async () => {
    // Three attempts per window: the sign-in below is the first.
    const limited = await buildTestApp({ environment: { LOGIN_RATE_LIMIT: '3' } });
    try {
      const bob = await createSession(limited);
      const attempt = (currentPassword: string) =>
        call(limited, {
          method: 'POST',
          url: '/api/auth/password',
          as: bob,
          payload: { currentPassword, newPassword: 'another-password-1' },
        });
      errorOf(await attempt('wrong-password'), 401, 'INVALID_CREDENTIALS');
      errorOf(await attempt('wrong-password'), 401, 'INVALID_CREDENTIALS');
      const limitedAnswer = await attempt(bob.password);
      errorOf(limitedAnswer, 429, 'RATE_LIMITED');
      assert.ok(Number(limitedAnswer.headers['retry-after']) > 0);
      assert.equal(
        (await call(limited, { url: '/api/auth/me', as: bob })).statusCode,
        200,
        'still signed in',
      );
      const row = await limited.database.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', bob.user.id)
        .executeTakeFirstOrThrow();
      assert.ok((await verifyPassword(row.password_hash, bob.password)).valid);
    } finally {
      await limited.close();
    }
  });

  test('validation: a short new password is 400, and CSRF is required', async () => {
    const carol = await createSession(t);
    const short = await call(t, {
      method: 'POST',
      url: '/api/auth/password',
      as: carol,
      payload: { currentPassword: carol.password, newPassword: 'short' },
    });
    assert.equal(short.statusCode, 400);
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie: carol.headers.cookie ?? '' },
      payload: { currentPassword: carol.password, newPassword: 'long-enough-pw' },
    });
    errorOf(noCsrf, 403, 'FORBIDDEN');
  });
});

describe('sessions', () => {
  test('a user lists their live sessions (never token material), the current one marked', async () => {
    const dave = await createSession(t);
    const other = await secondSession(t, dave);
    await createSession(t); // someone else's session must not appear
    const page = dataOf<Page<Session>>(await call(t, { url: '/api/auth/sessions', as: dave }));
    assert.equal(page.items.length, 2);
    assert.equal(page.pagination.totalItems, 2);
    assert.deepEqual(Object.keys(page.items[0] ?? {}).sort(), [
      'createdAt',
      'current',
      'id',
      'ip',
      'lastUsedAt',
      'userAgent',
    ]);
    assert.equal(page.items.filter((item) => item.current).length, 1);
    assert.ok(page.items.some((item) => item.userAgent === 'Other Browser/2' && !item.current));
    assert.equal(page.items[0]?.ip, '127.0.0.1');
    const body = JSON.stringify(page);
    for (const value of [...dave.jar.values(), ...other.jar.values()]) assert.ok(!body.includes(value));
    errorOf(await call(t, { url: '/api/auth/sessions?pageSize=0', as: dave }), 400, 'VALIDATION_ERROR');
    errorOf(await call(t, { url: '/api/auth/sessions?token=1', as: dave }), 400, 'VALIDATION_ERROR');
    errorOf(await call(t, { url: '/api/auth/sessions' }), 401, 'UNAUTHORIZED');
  });

  test("revoking one: 204 and that session is out at once; 404 for an unknown id or another user's", async () => {
    const erin = await createSession(t);
    const other = await secondSession(t, erin);
    const stranger = await createSession(t);
    const page = dataOf<Page<Session>>(await call(t, { url: '/api/auth/sessions', as: erin }));
    const otherId = page.items.find((item) => !item.current)?.id ?? '';
    const strangerId = dataOf<Page<Session>>(await call(t, { url: '/api/auth/sessions', as: stranger }))
      .items[0]?.id;
    errorOf(
      await call(t, { method: 'DELETE', url: `/api/auth/sessions/${strangerId}`, as: erin }),
      404,
      'NOT_FOUND',
    );
    assert.equal((await call(t, { url: '/api/auth/me', as: stranger })).statusCode, 200);
    errorOf(
      await call(t, { method: 'DELETE', url: `/api/auth/sessions/${randomUUID()}`, as: erin }),
      404,
      'NOT_FOUND',
    );
    errorOf(
      await call(t, { method: 'DELETE', url: '/api/auth/sessions/nope', as: erin }),
      400,
      'INVALID_INPUT',
    );
    const revoked = await call(t, {
      method: 'DELETE',
      url: `/api/auth/sessions/${otherId.toUpperCase()}`,
      as: erin,
    });
    assert.equal(revoked.statusCode, 204, revoked.body);
    assertRevoked(await call(t, { url: '/api/auth/me', as: other }));
    assert.equal((await call(t, { url: '/api/auth/me', as: erin })).statusCode, 200);
  });

  test('revoking the others: 204, every other session out at once, this one kept', async () => {
    const frank = await createSession(t);
    const second = await secondSession(t, frank);
    const third = await secondSession(t, frank);
    const response = await call(t, { method: 'POST', url: '/api/auth/sessions/revoke-others', as: frank });
    assert.equal(response.statusCode, 204, response.body);
    assertRevoked(await call(t, { url: '/api/auth/me', as: second }));
    assertRevoked(await call(t, { url: '/api/auth/me', as: third }));
    assert.equal((await call(t, { url: '/api/auth/me', as: frank })).statusCode, 200);
    const page = dataOf<Page<Session>>(await call(t, { url: '/api/auth/sessions', as: frank }));
    assert.equal(page.items.length, 1);
    assert.equal(page.items[0]?.current, true);
  });
});

describe('limits', () => {
  test('sign-up is limited per IP: 15 from one address, the ones past the limit get 429 with Retry-After', async () => {
    const limited = await buildTestApp({ environment: { LOGIN_RATE_LIMIT: '3', TRUST_PROXY: 'true' } });
    try {
      const ip = { 'x-forwarded-for': '203.0.113.9' };
      const statuses: number[] = [];
      let last: ApiResponse | undefined;
      for (let i = 0; i < 15; i++) {
        last = await limited.app.inject({
          method: 'POST',
          url: '/api/users',
          headers: ip,
          payload: { email: `s${i}-${unique()}@example.com`, password: 'password-123', displayName: 'S' },
        });
        statuses.push(last.statusCode);
      }
      assert.deepEqual(statuses, [201, 201, 201, ...Array(12).fill(429)]);
      errorOf(last as ApiResponse, 429, 'RATE_LIMITED');
      assert.ok(Number((last as ApiResponse).headers['retry-after']) > 0);
      const elsewhere = await limited.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: { 'x-forwarded-for': '203.0.113.10' },
        payload: { email: `else-${unique()}@example.com`, password: 'password-123', displayName: 'S' },
      });
      assert.equal(elsewhere.statusCode, 201, 'another address is not limited');
    } finally {
      await limited.close();
    }
  });

  test('device cookie: failures from ten addresses lock the e-mail, but not the browser that signed in before', async () => {
    const limited = await buildTestApp({ environment: { LOGIN_RATE_LIMIT: '3', TRUST_PROXY: 'true' } });
    try {
      const grace = await createSession(limited);
      const home = { 'x-forwarded-for': '198.51.100.1' };
      const first = await login(limited, grace.user.email, grace.password, home);
      assert.equal(first.statusCode, 200);
      const device = (first.headers['set-cookie'] as string[]).find((line) =>
        line.startsWith('device_token='),
      );
      assert.ok(device, 'a device cookie is set on a successful sign-in');
      assert.match(device, /HttpOnly/);
      assert.match(device, /Secure/);
      assert.match(device, /SameSite=Strict/);
      assert.match(device, /Path=\/api\/auth/);
      assert.match(device, /Max-Age=31536000/);
      const cookie = device.split(';')[0] ?? '';

      for (let i = 0; i < 10; i++) {
        await login(limited, grace.user.email, 'wrong-password', { 'x-forwarded-for': `192.0.2.${i + 1}` });
      }
      const stranger = await login(limited, grace.user.email, grace.password, {
        'x-forwarded-for': '192.0.2.99',
      });
      errorOf(stranger, 429, 'RATE_LIMITED');
      // A device cookie of another account, or a forged one, does not lift the e-mail's lock.
      const mallory = await createSession(limited);
      const mine = await login(limited, mallory.user.email, mallory.password, {
        'x-forwarded-for': '192.0.2.50',
      });
      const malloryCookie =
        (mine.headers['set-cookie'] as string[])
          .find((line) => line.startsWith('device_token='))
          ?.split(';')[0] ?? '';
      for (const fake of [malloryCookie, 'device_token=abc.def', `${cookie.slice(0, -2)}xx`]) {
        const refused = await login(limited, grace.user.email, grace.password, {
          'x-forwarded-for': '192.0.2.51',
          cookie: fake,
        });
        errorOf(refused, 429, 'RATE_LIMITED');
      }

      // The browser with the device cookie signs in although the e-mail is locked.
      const owner = await login(limited, grace.user.email, grace.password, { ...home, cookie });
      assert.equal(owner.statusCode, 200, owner.body);

      // The device has its own limit: guessing with it is limited too.
      for (let i = 0; i < 3; i++) await login(limited, grace.user.email, 'wrong', { ...home, cookie });
      errorOf(
        await login(limited, grace.user.email, grace.password, { ...home, cookie }),
        429,
        'RATE_LIMITED',
      );
    } finally {
      await limited.close();
    }
  });
});

describe('admin actions', () => {
  test('deactivate, activate, delete, restore and role change are audit-logged with actor, target and request id', async () => {
    const root = await createSession(t, { role: 'admin' });
    const target = await createSession(t);
    const url = `/api/users/${target.user.id}`;
    const requestId = `audit-${unique()}`;
    const as = { headers: { ...root.headers, 'x-request-id': requestId } };
    for (const [method, path, payload] of [
      ['POST', `${url}/deactivate`, undefined],
      ['POST', `${url}/activate`, undefined],
      ['PUT', `${url}/role`, { role: 'admin' }],
      ['PUT', `${url}/role`, { role: 'user' }],
      ['DELETE', url, undefined],
      ['POST', `${url}/restore`, undefined],
    ] as const) {
      const response = await call(t, { method, url: path, as, payload });
      assert.ok(response.statusCode < 300, `${method} ${path}: ${response.body}`);
    }
    const rows = await t.database.db
      .selectFrom('audit_logs')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      rows.map((row) => row.action),
      [
        'user.deactivate',
        'user.activate',
        'user.role_change',
        'user.role_change',
        'user.delete',
        'user.restore',
      ],
    );
    for (const row of rows) {
      assert.equal(row.user_id, root.user.id);
      assert.equal((row.metadata as { targetId?: string }).targetId, target.user.id);
    }
  });

  test('setUserRole: admin only, 404 for an unknown user, 409 when the last active admin would be demoted', async () => {
    const solo = await buildTestApp();
    try {
      const admin = await createSession(solo, { role: 'admin' });
      const user = await createSession(solo);
      errorOf(
        await call(solo, {
          method: 'PUT',
          url: `/api/users/${user.user.id}/role`,
          as: user,
          payload: { role: 'admin' },
        }),
        403,
        'INSUFFICIENT_PERMISSIONS',
      );
      errorOf(
        await call(solo, {
          method: 'PUT',
          url: `/api/users/${randomUUID()}/role`,
          as: admin,
          payload: { role: 'user' },
        }),
        404,
        'NOT_FOUND',
      );
      errorOf(
        await call(solo, {
          method: 'PUT',
          url: `/api/users/${user.user.id}/role`,
          as: admin,
          payload: { role: 'root' },
        }),
        400,
        'VALIDATION_ERROR',
      );
      const demoteSelf = await call(solo, {
        method: 'PUT',
        url: `/api/users/${admin.user.id}/role`,
        as: admin,
        payload: { role: 'user' },
      });
      errorOf(demoteSelf, 409, 'CONFLICT');
      assert.match(demoteSelf.body, /last active admin/);
      assert.equal((await call(solo, { url: '/api/auth/me', as: admin })).statusCode, 200, 'nothing changed');
      const same = await call(solo, {
        method: 'PUT',
        url: `/api/users/${admin.user.id}/role`,
        as: admin,
        payload: { role: 'admin' },
      });
      assert.equal(same.statusCode, 200, 'idempotent: already an admin');
      assert.equal((await call(solo, { url: '/api/auth/me', as: admin })).statusCode, 200, 'no revocation');
    } finally {
      await solo.close();
    }
  });

  test('tenet users set-password: sets the password read from standard input and revokes every session', async () => {
    const testDatabase = await createTestDatabase();
    const dir = temporaryDirectory();
    const config =
      testDatabase.config.kind === 'memory'
        ? testConfig({ kind: 'pglite', dataDir: join(dir.path, 'pgdata') })
        : testConfig(testDatabase.config);
    const open = async (): Promise<DatabaseHandle> => {
      const handle = await connectDatabase(config.database);
      await migrateUp(handle);
      return handle;
    };
    try {
      let database = await open();
      const user = await insertAccount(database.db, {
        email: 'henry@example.com',
        passwordHash: await hashPassword('old-password-1'),
        displayName: 'Henry',
      });
      const sessionId = randomUUID();
      await database.db
        .insertInto('sessions')
        .values({ id: sessionId, user_id: user.id, expires_at: new Date(Date.now() + 60_000) })
        .execute();
      await database.close();

      const out: string[] = [];
      const errors: string[] = [];
      const io = { out: (text: string) => out.push(text), error: (text: string) => errors.push(text) };
      const code = await usersCommand(config, ['set-password', '--email', 'Henry@Example.com'], {
        ...io,
        stdin: Readable.from(['new-password-1\n']),
      });
      assert.equal(code, 0, errors.join('\n'));
      assert.match(out.join('\n'), /password set for henry@example\.com .*1 session\(s\) revoked/);
      const asArgument = await usersCommand(
        config,
        ['set-password', '--email', 'henry@example.com', '--password', 'x'],
        {
          ...io,
          stdin: Readable.from(['']),
        },
      );
      assert.equal(asArgument, 2, 'a password is never taken as an argument');
      const unknown = await usersCommand(config, ['set-password', '--email', 'nobody@example.com'], {
        ...io,
        stdin: Readable.from(['new-password-1\n']),
      });
      assert.equal(unknown, 1);

      database = await open();
      try {
        const row = await database.db
          .selectFrom('users')
          .select('password_hash')
          .where('id', '=', user.id)
          .executeTakeFirstOrThrow();
        assert.ok((await verifyPassword(row.password_hash, 'new-password-1')).valid);
        const session = await database.db
          .selectFrom('sessions')
          .select('revoked_at')
          .where('id', '=', sessionId)
          .executeTakeFirstOrThrow();
        assert.notEqual(session.revoked_at, null);
        const audit = await database.db
          .selectFrom('audit_logs')
          .select('action')
          .where('user_id', '=', user.id)
          .execute();
        assert.deepEqual(
          audit.map((a) => a.action),
          ['user.password_set'],
        );
      } finally {
        await database.close();
      }
    } finally {
      await testDatabase.drop();
      dir.remove();
    }
  });
});

describe('the first admin (ADMIN_EMAIL)', () => {
  test('an address re-registered after the admin was soft-deleted is never made an admin', async () => {
    const hasher = new PasswordHasher();
    const email = `boss-${unique()}@example.com`;
    assert.equal(
      await ensureAdmin(t.database.db, hasher, { email, password: 'operator-password' }),
      'created',
    );
    await t.database.db
      .updateTable('users')
      .set({ deleted_at: new Date() })
      .where('email', '=', email)
      .execute();
    const squatter = await createSession(t, { email, password: 'attacker-password' });
    await assert.rejects(
      ensureAdmin(t.database.db, hasher, { email, password: 'operator-password' }),
      AdminBootstrapError,
    );
    assert.equal((await login(t, email, 'attacker-password')).statusCode, 200);
    const row = await t.database.db
      .selectFrom('users')
      .select('role')
      .where('id', '=', squatter.user.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.role, 'user');
  });

  test('three instances bootstrapping at the same moment all succeed, and there is one admin', async () => {
    const testDatabase = await createTestDatabase();
    const handles: DatabaseHandle[] = [];
    try {
      // Three pools on PostgreSQL (a real race); PGlite has one connection, so one handle.
      for (let i = 0; i < (engine === 'postgres' ? 3 : 1); i++)
        handles.push(await connectDatabase(testDatabase.config));
      await migrateUp(handles[0] as DatabaseHandle);
      const hasher = new PasswordHasher();
      const admin = { email: 'race@example.com', password: 'race-password-1' };
      const outcomes = await Promise.all(
        [0, 1, 2].map((i) => ensureAdmin((handles[i] ?? (handles[0] as DatabaseHandle)).db, hasher, admin)),
      );
      assert.deepEqual(outcomes.sort(), ['created', 'unchanged', 'unchanged']);
      const rows = await (handles[0] as DatabaseHandle).db.selectFrom('users').select('role').execute();
      assert.deepEqual(rows, [{ role: 'admin' }]);
    } finally {
      for (const handle of handles) await handle.close();
      await testDatabase.drop();
    }
  });
});
