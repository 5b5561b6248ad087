import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, type TestApp } from './helpers.ts';
import { createSession } from './sessions.ts';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => {
  await t.close();
});

const signUp = (app: TestApp, payload: unknown, headers: Record<string, string> = {}) =>
  app.app.inject({ method: 'POST', url: '/api/users', headers, payload: payload as object });

describe('POST /api/users (sign-up)', () => {
  test('201 with the representation, Location and ETag; e-mail trimmed and lower-cased; argon2id stored', async () => {
    const response = await signUp(t, {
      email: '  New.User@Example.COM ',
      password: 'correct horse battery',
      displayName: ' New User ',
    });
    assert.equal(response.statusCode, 201);
    const user = response.json().data;
    assert.equal(user.email, 'new.user@example.com');
    assert.equal(user.displayName, 'New User');
    assert.equal(user.role, 'user');
    assert.equal(user.isActive, true);
    assert.equal(user.avatarUrl, null);
    assert.equal(response.headers.location, `/api/users/${user.id}`);
    assert.deepEqual(Object.keys(user).sort(), [
      'avatarUrl',
      'createdAt',
      'displayName',
      'email',
      'id',
      'isActive',
      'role',
      'updatedAt',
    ]);
    assert.doesNotMatch(response.body, /argon2|password/i);
    const row = await t.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.match(row.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const audit = await t.database.db
      .selectFrom('audit_logs')
      .select('action')
      .where('user_id', '=', user.id)
      .execute();
    assert.deepEqual(
      audit.map((r) => r.action),
      ['user.signup'],
    );
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'NEW.user@example.com', password: 'correct horse battery' },
    });
    assert.equal(login.statusCode, 200);
    // The ETag is the one a read of the user gives: usable in If-Match without reading again.
    assert.match(String(response.headers.etag), /^"[A-Za-z0-9_-]{22}"$/);
    const cookie = login.cookies.map(({ name, value }) => `${name}=${value}`).join('; ');
    const read = await t.app.inject({ url: `/api/users/${user.id}`, headers: { cookie } });
    assert.equal(read.statusCode, 200);
    assert.equal(read.headers.etag, response.headers.etag);
  });

  test('a taken e-mail in any case: 409 ALREADY_EXISTS on the email field', async () => {
    await signUp(t, { email: 'taken@example.com', password: 'long-enough-1', displayName: 'First' });
    const response = await signUp(t, {
      email: 'TAKEN@example.com',
      password: 'long-enough-2',
      displayName: 'Second',
    });
    assert.equal(response.statusCode, 409);
    assert.equal(response.json().error.code, 'ALREADY_EXISTS');
    assert.deepEqual(response.json().error.details, { email: ['Already exists'] });
  });

  test('missing fields: 400 MISSING_FIELD with every field named', async () => {
    const response = await signUp(t, {});
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error.code, 'MISSING_FIELD');
    assert.deepEqual(response.json().error.details, {
      email: ['Required'],
      password: ['Required'],
      displayName: ['Required'],
    });
  });

  test('invalid fields: 400 VALIDATION_ERROR with arrays of messages per field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ email: 'not-an-email', password: 'long-enough', displayName: 'X' }, 'email'],
      [{ email: 'a@example.com', password: 'short', displayName: 'X' }, 'password'],
      [{ email: 'a@example.com', password: 'x'.repeat(257), displayName: 'X' }, 'password'],
      [{ email: 'a@example.com', password: 'long-enough', displayName: '' }, 'displayName'],
      [{ email: 'a@example.com', password: 'long-enough', displayName: '   ' }, 'displayName'],
      [{ email: 'a@example.com', password: 'long-enough', displayName: 'x'.repeat(101) }, 'displayName'],
      [{ email: 'a@example.com', password: 'long-enough', displayName: 'a\u0000b' }, 'displayName'],
      [{ email: `${'a'.repeat(250)}@example.com`, password: 'long-enough', displayName: 'X' }, 'email'],
      [
        {
          email: 'a@example.com',
          password: 'long-enough',
          displayName: 'X',
          avatarUrl: 'javascript:alert(1)',
        },
        'avatarUrl',
      ],
    ];
    for (const [payload, field] of cases) {
      const response = await signUp(t, payload);
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.equal(response.json().error.code, 'VALIDATION_ERROR', JSON.stringify(payload));
      const details = response.json().error.details;
      assert.deepEqual(Object.keys(details), [field], JSON.stringify(payload));
      assert.ok(details[field].length > 0 && details[field].every((m: unknown) => typeof m === 'string'));
    }
  });

  test('mass assignment: role, isAdmin and any unknown field are refused', async () => {
    const response = await signUp(t, {
      email: 'sneaky@example.com',
      password: 'long-enough',
      displayName: 'Sneaky',
      role: 'admin',
      isAdmin: true,
    });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.json().error.details, { role: ['Unknown field'], isAdmin: ['Unknown field'] });
    const row = await t.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'sneaky@example.com')
      .executeTakeFirst();
    assert.equal(row, undefined);
  });

  test('SIGNUP=closed: anonymous 401, a user 403, an admin 201', async () => {
    const closed = await buildTestApp({ environment: { SIGNUP: 'closed' } });
    try {
      const payload = { email: 'invited@example.com', password: 'long-enough', displayName: 'Invited' };
      const anonymous = await signUp(closed, payload);
      assert.equal(anonymous.statusCode, 401);
      const user = await createSession(closed);
      const forbidden = await signUp(closed, payload, user.headers);
      assert.equal(forbidden.statusCode, 403);
      assert.equal(forbidden.json().error.code, 'INSUFFICIENT_PERMISSIONS');
      const admin = await createSession(closed, { role: 'admin' });
      const created = await signUp(closed, payload, admin.headers);
      assert.equal(created.statusCode, 201);
      const withoutCsrf = await signUp(
        closed,
        { ...payload, email: 'second@example.com' },
        { cookie: admin.headers.cookie ?? '' },
      );
      assert.equal(withoutCsrf.statusCode, 403, 'a signed-in admin must send X-CSRF-Token');
    } finally {
      await closed.close();
    }
  });
});
