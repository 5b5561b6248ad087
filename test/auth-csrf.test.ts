import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createCsrfToken } from '../src/auth/csrf.ts';
import { buildTestApp, type TestApp } from './helpers.ts';
import { cookieHeader, createSession, type TestSession } from './sessions.ts';

let t: TestApp;
before(async () => {
  t = await buildTestApp({ environment: { CORS_ORIGINS: 'https://app.example.com' } });
});
after(async () => {
  await t.close();
});

async function liveFamilies(userId: string): Promise<number> {
  const rows = await t.database.db
    .selectFrom('refresh_tokens')
    .select('id')
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
  return rows.length;
}

function assertForbidden(response: { statusCode: number; json(): { error: { code: string } } }) {
  assert.equal(response.statusCode, 403);
  assert.equal(response.json().error.code, 'FORBIDDEN');
}

describe('signed double submit on writes that carry a session', () => {
  let session: TestSession;
  before(async () => {
    session = await createSession(t);
  });

  const logout = (headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/api/auth/logout', headers });

  test('missing header: 403 FORBIDDEN, and nothing changes', async () => {
    assertForbidden(await logout({ cookie: session.headers.cookie ?? '' }));
    assert.equal(await liveFamilies(session.user.id), 1);
  });

  test('header not equal to the cookie: 403', async () => {
    assertForbidden(
      await logout({ ...session.headers, 'x-csrf-token': `${session.headers['x-csrf-token']}x` }),
    );
    assert.equal(await liveFamilies(session.user.id), 1);
  });

  test('forged cookie and header that are equal: 403 (the HMAC does not verify)', async () => {
    const forged = 'attacker-chosen.value';
    const jar = new Map(session.jar);
    jar.set('csrf_token', forged);
    assertForbidden(await logout({ cookie: cookieHeader(jar), 'x-csrf-token': forged }));
    assert.equal(await liveFamilies(session.user.id), 1);
  });

  test("a valid token of another session, in both cookie and header: 403 (bound to the victim's session)", async () => {
    const attacker = await createSession(t);
    const theirs = attacker.jar.get('csrf_token') ?? '';
    const jar = new Map(session.jar);
    jar.set('csrf_token', theirs);
    assertForbidden(await logout({ cookie: cookieHeader(jar), 'x-csrf-token': theirs }));
    const signedElsewhere = createCsrfToken('a-different-secret-0123456789abcdefghij', 'family');
    jar.set('csrf_token', signedElsewhere);
    assertForbidden(await logout({ cookie: cookieHeader(jar), 'x-csrf-token': signedElsewhere }));
    assert.equal(await liveFamilies(session.user.id), 1);
  });

  test('refresh needs it too; with the right token the write goes through', async () => {
    assertForbidden(
      await t.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        headers: { cookie: session.headers.cookie ?? '' },
      }),
    );
    const ok = await logout(session.headers);
    assert.equal(ok.statusCode, 204);
    assert.equal(await liveFamilies(session.user.id), 0);
  });

  test('writes answer with Vary on the headers the check reads', async () => {
    const response = await logout({ cookie: session.headers.cookie ?? '' });
    const vary = String(response.headers.vary).toLowerCase();
    for (const name of ['cookie', 'origin', 'sec-fetch-site', 'x-csrf-token'])
      assert.ok(vary.includes(name), vary);
  });
});

describe('Origin check on writes without a session', () => {
  const credentials = { email: 'nobody@example.com', password: 'whatever-password' };
  const login = (headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', headers, payload: credentials });

  test('an evil Origin on login: 403 FORBIDDEN before any credential check', async () => {
    assertForbidden(await login({ origin: 'https://evil.example' }));
    assertForbidden(await login({ origin: 'null' }));
  });

  test('Sec-Fetch-Site cross-site without Origin: 403', async () => {
    assertForbidden(await login({ 'sec-fetch-site': 'cross-site' }));
    assertForbidden(await login({ 'sec-fetch-site': 'same-site' }));
  });

  test('same origin, a CORS_ORIGINS entry, or a non-browser client reach the credential check', async () => {
    const cases: Record<string, string>[] = [
      { origin: 'http://localhost:3000', host: 'evil.example' },
      { origin: 'https://app.example.com' },
      { 'sec-fetch-site': 'same-origin' },
      {},
    ];
    for (const headers of cases) {
      const response = await login(headers);
      assert.equal(response.statusCode, 401, JSON.stringify(headers));
      assert.equal(response.json().error.code, 'INVALID_CREDENTIALS');
    }
  });

  test('sign-up from another site is refused and creates nothing', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { origin: 'https://evil.example' },
      payload: { email: 'csrf-signup@example.com', password: 'long-enough-password', displayName: 'X' },
    });
    assertForbidden(response);
    const row = await t.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'csrf-signup@example.com')
      .executeTakeFirst();
    assert.equal(row, undefined);
  });

  test('CORS: the listed origin is allowed with credentials; others are never echoed', async () => {
    const allowed = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/auth/login',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://app.example.com');
    assert.equal(allowed.headers['access-control-allow-credentials'], 'true');
    const evil = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/auth/login',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.notEqual(evil.headers['access-control-allow-origin'], 'https://evil.example');
    assert.notEqual(evil.headers['access-control-allow-origin'], '*');
  });
});
