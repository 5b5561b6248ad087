import assert from 'node:assert/strict';
import { argon2, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { insertAccount } from '../src/auth/account-repository.ts';
import { hashPassword } from '../src/auth/passwords.ts';
import { buildTestApp, type TestApp } from './helpers.ts';
import { createSession } from './sessions.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => {
  await t.close();
});

const unique = () => randomBytes(6).toString('hex');

async function login(app: TestApp, email: string, password: string, headers: Record<string, string> = {}) {
  return app.app.inject({ method: 'POST', url: '/api/auth/login', headers, payload: { email, password } });
}

describe('failed logins', () => {
  test('unknown e-mail and wrong password: the same 401 INVALID_CREDENTIALS, the same body, no cookies', async () => {
    const session = await createSession(t);
    const wrongPassword = await login(t, session.user.email, 'not-the-password');
    const unknownEmail = await login(t, `nobody-${unique()}@example.com`, 'not-the-password');
    for (const response of [wrongPassword, unknownEmail]) {
      assert.equal(response.statusCode, 401);
      assert.equal(response.headers['set-cookie'], undefined);
    }
    const strip = (body: { meta?: unknown }) => ({ ...body, meta: undefined });
    assert.deepEqual(strip(wrongPassword.json()), strip(unknownEmail.json()));
    assert.deepEqual(wrongPassword.json().error, {
      code: 'INVALID_CREDENTIALS',
      message: 'Invalid email or password',
    });
    const failures = await t.database.db
      .selectFrom('audit_logs')
      .select(['action', 'user_id'])
      .where('action', '=', 'login.failure')
      .execute();
    assert.ok(failures.some((row) => row.user_id === session.user.id));
    assert.ok(
      failures.some((row) => row.user_id === null),
      'an unknown e-mail is logged too',
    );
  });

  test('bad bodies: MISSING_FIELD and VALIDATION_ERROR, never a 500', async () => {
    const missing = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: {} });
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().error.code, 'MISSING_FIELD');
    assert.deepEqual(Object.keys(missing.json().error.details).sort(), ['email', 'password']);
    for (const payload of [
      { email: 'not-an-email', password: 'x' },
      { email: 'a@example.com', password: 'x'.repeat(257) },
      { email: 'a@example.com', password: 'x', remember: true },
      { email: 'a@example.com', password: 'a\u0000b' },
    ]) {
      const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload });
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.equal(response.json().error.code, 'VALIDATION_ERROR');
    }
  });

  test('a deactivated account: 403 FORBIDDEN at login, and its sessions are revoked', async () => {
    const session = await createSession(t);
    await t.database.db
      .updateTable('users')
      .set({ is_active: false })
      .where('id', '=', session.user.id)
      .execute();
    const wrong = await login(t, session.user.email, 'wrong-password');
    assert.equal(wrong.statusCode, 401, 'deactivation is only revealed to someone who knows the password');
    const response = await login(t, session.user.email, session.password);
    assert.equal(response.statusCode, 403);
    assert.equal(response.json().error.code, 'FORBIDDEN');
    const live = await t.database.db
      .selectFrom('refresh_tokens')
      .select('id')
      .where('user_id', '=', session.user.id)
      .where('revoked_at', 'is', null)
      .execute();
    assert.equal(live.length, 0);
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      headers: session.headers,
    });
    assert.equal(refresh.statusCode, 401);
  });

  test('a soft-deleted account cannot log in', async () => {
    const session = await createSession(t);
    await t.database.db
      .updateTable('users')
      .set({ deleted_at: new Date() })
      .where('id', '=', session.user.id)
      .execute();
    assert.equal((await login(t, session.user.email, session.password)).statusCode, 401);
  });
});

describe('password storage', () => {
  test('argon2id at the OWASP minimum; a weaker stored hash is re-hashed at the next login', async () => {
    const email = `weak-${unique()}@example.com`;
    const salt = randomBytes(16);
    const tag = await promisify(argon2)('argon2id', {
      message: 'old-password',
      nonce: salt,
      memory: 8192,
      passes: 1,
      parallelism: 1,
      tagLength: 32,
    });
    const b64 = (buffer: Buffer) => buffer.toString('base64').replace(/=+$/, '');
    const weak = `$argon2id$v=19$m=8192,t=1,p=1$${b64(salt)}$${b64(tag)}`;
    await insertAccount(t.database.db, { email, passwordHash: weak, displayName: 'Weak' });
    assert.equal((await login(t, email, 'old-password')).statusCode, 200);
    const row = await t.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    assert.match(row.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal((await login(t, email, 'old-password')).statusCode, 200, 'the new hash still verifies');
  });
});

describe('login rate limits', () => {
  test('per e-mail across IPs and per IP across e-mails: 429 RATE_LIMITED with Retry-After', async () => {
    const limited = await buildTestApp({ environment: { LOGIN_RATE_LIMIT: '3', TRUST_PROXY: 'true' } });
    try {
      const email = `limit-${unique()}@example.com`;
      for (let i = 0; i < 3; i++) {
        const response = await login(limited, email, 'wrong', { 'x-forwarded-for': `10.0.0.${i + 1}` });
        assert.equal(response.statusCode, 401);
      }
      const blocked = await login(limited, email, 'wrong', { 'x-forwarded-for': '10.0.0.99' });
      assert.equal(blocked.statusCode, 429);
      assert.equal(blocked.json().error.code, 'RATE_LIMITED');
      const retryAfter = Number(blocked.headers['retry-after']);
      assert.ok(retryAfter > 0 && retryAfter <= 900, String(retryAfter));

      for (let i = 0; i < 3; i++) {
        await login(limited, `other-${i}-${unique()}@example.com`, 'wrong', {
          'x-forwarded-for': '10.9.9.9',
        });
      }
      const byIp = await login(limited, `fresh-${unique()}@example.com`, 'wrong', {
        'x-forwarded-for': '10.9.9.9',
      });
      assert.equal(byIp.statusCode, 429);
      assert.ok(Number(byIp.headers['retry-after']) > 0);
    } finally {
      await limited.close();
    }
  });

  test('a success resets the e-mail count', async () => {
    const limited = await buildTestApp({ environment: { LOGIN_RATE_LIMIT: '3', TRUST_PROXY: 'true' } });
    try {
      const session = await createSession(limited);
      const from = (n: number) => ({ 'x-forwarded-for': `10.1.0.${n}` });
      await login(limited, session.user.email, 'wrong', from(1));
      await login(limited, session.user.email, 'wrong', from(2));
      assert.equal((await login(limited, session.user.email, session.password, from(3))).statusCode, 200);
      assert.equal((await login(limited, session.user.email, 'wrong', from(4))).statusCode, 401);
    } finally {
      await limited.close();
    }
  });

  test('with REDIS_URL the counts are shared by two app instances', async () => {
    const environment = { LOGIN_RATE_LIMIT: '4', TRUST_PROXY: 'true', REDIS_URL };
    const first = await buildTestApp({ environment });
    const second = await buildTestApp({ environment });
    try {
      const email = `shared-${unique()}@example.com`;
      const ip = {
        'x-forwarded-for': `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.7`,
      };
      assert.equal((await login(first, email, 'wrong', ip)).statusCode, 401);
      assert.equal((await login(second, email, 'wrong', ip)).statusCode, 401);
      assert.equal((await login(first, email, 'wrong', ip)).statusCode, 401);
      assert.equal((await login(second, email, 'wrong', ip)).statusCode, 401);
      const blockedOnFirst = await login(first, email, 'wrong', ip);
      const blockedOnSecond = await login(second, email, 'wrong', ip);
      assert.equal(blockedOnFirst.statusCode, 429, 'four attempts across both instances used the limit');
      assert.equal(blockedOnSecond.statusCode, 429);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('hashing is bounded', () => {
  test('past the bound a login is answered at once with 503 and Retry-After, never queued forever', async () => {
    const { PasswordHasher } = await import('../src/auth/passwords.ts');
    const hasher = new PasswordHasher({ concurrency: 1, queue: 1 });
    const hash = await hashPassword('x'.repeat(12));
    const results = await Promise.allSettled([
      hasher.verify(hash, 'a'),
      hasher.verify(hash, 'b'),
      hasher.verify(hash, 'c'),
      hasher.verify(hash, 'd'),
    ]);
    const rejected = results.filter((r) => r.status === 'rejected');
    assert.equal(rejected.length, 2);
    for (const r of rejected) {
      const error = (r as PromiseRejectedResult).reason;
      assert.equal(error.code, 'SERVICE_UNAVAILABLE');
      assert.equal(error.headers['Retry-After'], '1');
    }
    assert.equal((await hasher.verify(hash, 'x'.repeat(12))).valid, true, 'slots are released');
  });

  test('a hash that waits longer than maxWaitMs for a slot is refused with 503; the slot still passes on', async () => {
    const { PasswordHasher } = await import('../src/auth/passwords.ts');
    const hasher = new PasswordHasher({ concurrency: 1, queue: 10, maxWaitMs: 1 });
    const hash = await hashPassword('x'.repeat(12));
    const results = await Promise.allSettled([hasher.verify(hash, 'a'), hasher.verify(hash, 'b')]);
    assert.equal(results[0].status, 'fulfilled');
    assert.equal(results[1].status, 'rejected');
    assert.equal((results[1] as PromiseRejectedResult).reason.code, 'SERVICE_UNAVAILABLE');
    const again = await hasher.verify(hash, 'x'.repeat(12));
    assert.equal(again.valid, true, 'the timed-out waiter left no slot taken');
  });

  test('by default a waiting hash queues (up to 32 per slot) instead of being refused', async () => {
    const { PasswordHasher } = await import('../src/auth/passwords.ts');
    const hasher = new PasswordHasher({ concurrency: 1 });
    assert.equal(hasher.queue, 32);
    const hash = await hashPassword('x'.repeat(12));
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => hasher.verify(hash, 'wrong')));
    assert.deepEqual(
      results.map((result) => result.status),
      Array(6).fill('fulfilled'),
    );
  });
});
