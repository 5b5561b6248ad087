import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSigner } from 'fast-jwt';
import { z } from 'zod';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../src/auth/access-tokens.ts';
import { hashRefreshToken } from '../src/auth/refresh-tokens.ts';
import { moduleOf } from '../src/kit/index.ts';
import { defineRoute } from '../src/protocol/contract.ts';
import { implement } from '../src/protocol/handler.ts';
import { buildTestApp, type TestApp } from './helpers.ts';
import { createSession, sessionHeaders, storeCookies, type TestSession } from './sessions.ts';

const adminOnly = defineRoute({
  method: 'GET',
  path: '/api/test/admin-only',
  summary: 'admin route',
  tags: ['test'],
  access: 'admin',
  responses: { 200: z.object({ ok: z.boolean() }) },
  errors: [],
});

let t: TestApp;
before(async () => {
  t = await buildTestApp({
    modules: [
      moduleOf({ adminOnly: implement(adminOnly, async () => ({ status: 200, data: { ok: true } })) }),
    ],
  });
});
after(async () => {
  await t.close();
});

function parseSetCookies(setCookie: string | string[] | undefined): Map<string, string> {
  const lines = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return new Map(lines.map((line) => [line.slice(0, line.indexOf('=')), line]));
}

function assertCookie(
  line: string | undefined,
  expected: { path: string; maxAge: number; httpOnly: boolean },
) {
  assert.ok(line, 'cookie is set');
  const attributes = line.split(';').map((part) => part.trim().toLowerCase());
  assert.ok(attributes.includes(`path=${expected.path}`), line);
  assert.ok(attributes.includes(`max-age=${expected.maxAge}`), line);
  assert.ok(attributes.includes('secure'), line);
  assert.ok(attributes.includes('samesite=strict'), line);
  assert.equal(attributes.includes('httponly'), expected.httpOnly, line);
}

async function tokenRows(userId: string) {
  return t.database.db
    .selectFrom('refresh_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
}

async function auditActions(userId: string): Promise<string[]> {
  const rows = await t.database.db
    .selectFrom('audit_logs')
    .select('action')
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
  return rows.map((row) => row.action);
}

async function refresh(headers: Record<string, string>) {
  return t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers });
}

describe('the login -> me -> refresh -> logout cycle', () => {
  test('cookies, statuses and database rows at every step', async () => {
    const session = await createSession(t);
    const { user } = session;

    // Login set the three cookies with the spec's attributes, and stored only a hash.
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: `  ${user.email.toUpperCase()} `, password: session.password },
    });
    assert.equal(login.statusCode, 200);
    assert.equal(login.headers['cache-control'], 'no-store');
    assert.deepEqual(login.json().data, { ...user, updatedAt: login.json().data.updatedAt });
    const set = parseSetCookies(login.headers['set-cookie']);
    assertCookie(set.get('access_token'), { path: '/', maxAge: 900, httpOnly: true });
    assertCookie(set.get('refresh_token'), { path: '/api/auth', maxAge: 604800, httpOnly: true });
    assertCookie(set.get('csrf_token'), { path: '/', maxAge: 604800, httpOnly: false });
    const jar = storeCookies(new Map(), login.headers['set-cookie']);
    const refreshToken = jar.get('refresh_token') ?? '';
    for (const secret of [refreshToken, jar.get('access_token') ?? '']) {
      assert.ok(!login.body.includes(secret), 'no token in the body');
    }
    const rows = await tokenRows(user.id);
    assert.equal(rows.length, 2, 'one family per login: createSession and this login');
    const row = rows.find((r) => Buffer.from(r.token_hash).equals(hashRefreshToken(refreshToken)));
    assert.ok(row, 'the refresh token is stored as its SHA-256 only');
    assert.ok(!rows.some((r) => Buffer.from(r.token_hash).toString() === refreshToken));

    // me
    const me = await t.app.inject({ url: '/api/auth/me', headers: sessionHeaders(jar) });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().data.id, user.id);
    assert.equal(me.headers['cache-control'], 'no-store');

    // refresh: rotated, the old token marked used with a successor in the same family
    const refreshed = await refresh(sessionHeaders(jar));
    assert.equal(refreshed.statusCode, 200);
    assert.equal(refreshed.json().data.id, user.id);
    const rotated = parseSetCookies(refreshed.headers['set-cookie']);
    assertCookie(rotated.get('access_token'), { path: '/', maxAge: 900, httpOnly: true });
    assertCookie(rotated.get('refresh_token'), { path: '/api/auth', maxAge: 604800, httpOnly: true });
    storeCookies(jar, refreshed.headers['set-cookie']);
    assert.notEqual(jar.get('refresh_token'), refreshToken);
    const after = await tokenRows(user.id);
    const old = after.find((r) => r.id === row.id);
    assert.ok(old?.used_at, 'the presented token is marked used');
    const successor = after.find((r) => r.id === old?.successor_id);
    assert.equal(successor?.family_id, row.family_id);
    assert.ok(
      successor && Buffer.from(successor.token_hash).equals(hashRefreshToken(jar.get('refresh_token') ?? '')),
    );

    // logout: 204, cookies cleared with the same attributes, the family revoked
    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: sessionHeaders(jar),
    });
    assert.equal(logout.statusCode, 204);
    assert.equal(logout.body, '');
    const cleared = parseSetCookies(logout.headers['set-cookie']);
    assertCookie(cleared.get('access_token'), { path: '/', maxAge: 0, httpOnly: true });
    assertCookie(cleared.get('refresh_token'), { path: '/api/auth', maxAge: 0, httpOnly: true });
    assertCookie(cleared.get('csrf_token'), { path: '/', maxAge: 0, httpOnly: false });
    const family = (await tokenRows(user.id)).filter((r) => r.family_id === row.family_id);
    assert.ok(
      family.length === 2 && family.every((r) => r.revoked_at !== null),
      'the whole family is revoked',
    );
    const other = (await tokenRows(user.id)).filter((r) => r.family_id !== row.family_id);
    assert.ok(
      other.every((r) => r.revoked_at === null),
      "the user's other session is untouched",
    );

    // after logout, the old refresh token is refused and the cookies cleared
    const again = await refresh(sessionHeaders(jar));
    assert.equal(again.statusCode, 401);
    assert.equal(again.json().error.code, 'TOKEN_INVALID');
    assert.deepEqual(await auditActions(user.id), ['login.success', 'login.success', 'logout']);
  });

  test('no credentials: 401 UNAUTHORIZED; refresh with no cookie: 401 and cookies cleared', async () => {
    const me = await t.app.inject({ url: '/api/auth/me' });
    assert.equal(me.statusCode, 401);
    assert.equal(me.json().error.code, 'UNAUTHORIZED');
    const response = await refresh({});
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().error.code, 'UNAUTHORIZED');
    assert.equal(parseSetCookies(response.headers['set-cookie']).size, 3);
  });

  test('an admin route: 403 INSUFFICIENT_PERMISSIONS for a user, 200 for an admin', async () => {
    const user = await createSession(t);
    const forbidden = await t.app.inject({ url: '/api/test/admin-only', headers: user.headers });
    assert.equal(forbidden.statusCode, 403);
    assert.equal(forbidden.json().error.code, 'INSUFFICIENT_PERMISSIONS');
    const admin = await createSession(t, { role: 'admin' });
    assert.equal(
      (await t.app.inject({ url: '/api/test/admin-only', headers: admin.headers })).statusCode,
      200,
    );
  });
});

describe('rotation and reuse', () => {
  test('within the grace window the old token gets the same successor; no family has two live tokens', async () => {
    const session = await createSession(t);
    const first = await refresh(session.headers);
    const second = await refresh(session.headers);
    assert.equal(first.statusCode, 200);
    assert.equal(second.statusCode, 200);
    const a = storeCookies(new Map(), first.headers['set-cookie']).get('refresh_token');
    const b = storeCookies(new Map(), second.headers['set-cookie']).get('refresh_token');
    assert.equal(a, b);
    const live = (await tokenRows(session.user.id)).filter((r) => !r.used_at && !r.revoked_at);
    assert.equal(live.length, 1);
  });

  test('10 concurrent refreshes with one token all succeed with one successor', async () => {
    const session = await createSession(t);
    const responses = await Promise.all(Array.from({ length: 10 }, () => refresh(session.headers)));
    assert.deepEqual(
      responses.map((r) => r.statusCode),
      Array(10).fill(200),
    );
    const successors = new Set(
      responses.map((r) => storeCookies(new Map(), r.headers['set-cookie']).get('refresh_token')),
    );
    assert.equal(successors.size, 1);
    const rows = await tokenRows(session.user.id);
    assert.equal(rows.length, 2, 'exactly one successor row');
    assert.equal(rows.filter((r) => !r.used_at && !r.revoked_at).length, 1);
  });

  test('reuse after the grace window revokes the family; another session of the user keeps working', async () => {
    const strict = await buildTestApp({ environment: { REFRESH_REUSE_GRACE: '0' } });
    try {
      const stolen = await createSession(strict);
      const jar = new Map(stolen.jar);
      const other = await createSession(strict, { email: `second-${Date.now()}@example.com` });
      const rotated = await strict.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        headers: stolen.headers,
      });
      assert.equal(rotated.statusCode, 200);
      storeCookies(jar, rotated.headers['set-cookie']);

      // The old token comes back (an attacker, or a replay): the whole family dies.
      const reused = await strict.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        headers: stolen.headers,
      });
      assert.equal(reused.statusCode, 401);
      assert.equal(reused.json().error.code, 'TOKEN_INVALID');
      assert.equal(
        parseSetCookies(reused.headers['set-cookie']).get('refresh_token')?.includes('Max-Age=0'),
        true,
      );
      const family = await strict.database.db
        .selectFrom('refresh_tokens')
        .select(['revoked_at'])
        .where('user_id', '=', stolen.user.id)
        .execute();
      assert.ok(family.every((r) => r.revoked_at !== null));
      // The legitimate successor is dead too.
      const successor = await strict.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        headers: sessionHeaders(jar),
      });
      assert.equal(successor.statusCode, 401);
      const audit = await strict.database.db
        .selectFrom('audit_logs')
        .select('action')
        .where('user_id', '=', stolen.user.id)
        .execute();
      assert.ok(audit.some((r) => r.action === 'refresh.reuse'));

      const otherRefresh = await strict.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        headers: other.headers,
      });
      assert.equal(otherRefresh.statusCode, 200, 'a different user session is unaffected');
    } finally {
      await strict.close();
    }
  });

  test('a second login of the same user is a separate family that survives the first one being revoked', async () => {
    const strict = await buildTestApp({ environment: { REFRESH_REUSE_GRACE: '0' } });
    try {
      const first = await createSession(strict);
      const login = await strict.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: first.user.email, password: first.password },
      });
      const secondJar = storeCookies(new Map(), login.headers['set-cookie']);
      await strict.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: first.headers });
      const reuse = await strict.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        headers: first.headers,
      });
      assert.equal(reuse.statusCode, 401);
      const second = await strict.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        headers: sessionHeaders(secondJar),
      });
      assert.equal(second.statusCode, 200);
    } finally {
      await strict.close();
    }
  });
});

describe('access tokens', () => {
  let session: TestSession;
  before(async () => {
    session = await createSession(t);
  });

  const meWith = (token: string) =>
    t.app.inject({ url: '/api/auth/me', headers: { cookie: `access_token=${token}` } });

  test('expired (short ACCESS_TOKEN_TTL): 401 TOKEN_EXPIRED', async () => {
    const short = await buildTestApp({ environment: { ACCESS_TOKEN_TTL: '1' } });
    try {
      const expiring = await createSession(short);
      assert.equal(
        (await short.app.inject({ url: '/api/auth/me', headers: expiring.headers })).statusCode,
        200,
      );
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const response = await short.app.inject({ url: '/api/auth/me', headers: expiring.headers });
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().error.code, 'TOKEN_EXPIRED');
      // The client's answer to TOKEN_EXPIRED: refresh, then the call works again.
      const refreshed = await short.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        headers: expiring.headers,
      });
      assert.equal(refreshed.statusCode, 200);
      const jar = storeCookies(new Map(expiring.jar), refreshed.headers['set-cookie']);
      assert.equal(
        (await short.app.inject({ url: '/api/auth/me', headers: sessionHeaders(jar) })).statusCode,
        200,
      );
    } finally {
      await short.close();
    }
  });

  test('tampered, alg none, other algorithms, foreign keys, refresh tokens, garbage: 401 TOKEN_INVALID', async () => {
    const token = session.jar.get('access_token') ?? '';
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    const kid = JSON.parse(Buffer.from(header ?? '', 'base64url').toString()).kid;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid })).toString('base64url')}.${payload}.`;
    const now = Math.floor(Date.now() / 1000);
    const base = {
      typ: 'access',
      sub: session.user.id,
      role: 'admin',
      sid: claims.sid,
      iss: TOKEN_ISSUER,
      aud: TOKEN_AUDIENCE,
    };
    const hs512 = createSigner({ key: t.config.jwtSecrets[0], algorithm: 'HS512', kid })({ ...base });
    const foreignKey = createSigner({ key: 'another-secret-another-secret-0123456789', kid })({ ...base });
    const noKid = createSigner({ key: t.config.jwtSecrets[0] })({ ...base });
    const wrongAudience = createSigner({ key: t.config.jwtSecrets[0], kid })({
      ...base,
      aud: 'elsewhere',
      iss: TOKEN_ISSUER,
    });
    const wrongType = createSigner({ key: t.config.jwtSecrets[0], kid })({ ...base, typ: 'refresh' });
    const noExpiry = createSigner({ key: t.config.jwtSecrets[0], kid })({ ...base, iat: now });
    const cases = {
      tampered: `${header}.${forgedPayload}.${signature}`,
      none,
      hs512,
      foreignKey,
      noKid,
      wrongAudience,
      wrongType,
      noExpiry,
      refreshTokenAsAccess: session.jar.get('refresh_token') ?? '',
      garbage: 'not.a.jwt',
      huge: 'a'.repeat(5000),
    };
    for (const [name, forged] of Object.entries(cases)) {
      const response = await meWith(forged);
      assert.equal(response.statusCode, 401, name);
      assert.equal(response.json().error.code, 'TOKEN_INVALID', name);
    }
    assert.equal((await meWith(token)).statusCode, 200, 'the genuine token still works');
  });

  test('keys rotate: a token signed with a listed older key verifies; an unlisted one does not', async () => {
    const oldKey = 'old-signing-key-0123456789abcdefghijklmnop';
    const rotated = await buildTestApp({
      environment: { JWT_SECRET: `new-signing-key-0123456789abcdefghijklmnop,${oldKey}` },
    });
    try {
      const user = await createSession(rotated);
      const claims = JSON.parse(
        Buffer.from((user.jar.get('access_token') ?? '').split('.')[1] ?? '', 'base64url').toString(),
      );
      const { createHash } = await import('node:crypto');
      const kid = createHash('sha256').update(oldKey).digest('hex').slice(0, 16);
      const signedWithOld = createSigner({ key: oldKey, kid, expiresIn: 60_000 })({
        typ: 'access',
        sub: user.user.id,
        role: 'user',
        sid: claims.sid,
        iss: TOKEN_ISSUER,
        aud: TOKEN_AUDIENCE,
      });
      const ok = await rotated.app.inject({
        url: '/api/auth/me',
        headers: { cookie: `access_token=${signedWithOld}` },
      });
      assert.equal(ok.statusCode, 200);
    } finally {
      await rotated.close();
    }
  });
});
