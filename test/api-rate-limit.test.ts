import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp, type TestApp } from './helpers.ts';
import { createSession, type TestSession } from './sessions.ts';
import { TcpProxy } from './support/services.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';

const me = (app: TestApp, session: TestSession) =>
  app.app.inject({ url: '/api/auth/me', headers: session.headers });

/** An anonymous call to a public route, from an address of its own. */
const refresh = (app: TestApp, remoteAddress: string) =>
  app.app.inject({ method: 'POST', url: '/api/auth/refresh', remoteAddress });

describe('API_RATE_LIMIT', () => {
  test('past the limit a caller gets 429 RATE_LIMITED with Retry-After; other callers and health do not', async () => {
    const t = await buildTestApp({ environment: { API_RATE_LIMIT: '3' } });
    try {
      // Signing in is an anonymous call from the test's address: these two use two of its three.
      const first = await createSession(t);
      const second = await createSession(t);
      for (let i = 0; i < 3; i++) assert.equal((await me(t, first)).statusCode, 200);
      const refused = await me(t, first);
      assert.equal(refused.statusCode, 429);
      const body = refused.json();
      assert.equal(body.success, false);
      assert.equal(body.error.code, 'RATE_LIMITED');
      const retryAfter = Number(refused.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${refused.headers['retry-after']}`);
      // Counted per signed-in user, not per address: the second user has all of theirs.
      assert.equal((await me(t, second)).statusCode, 200);
      // Anonymous calls are counted per address.
      for (let i = 0; i < 3; i++) assert.equal((await refresh(t, '10.1.1.1')).statusCode, 401);
      assert.equal((await refresh(t, '10.1.1.1')).statusCode, 429);
      assert.equal((await refresh(t, '10.1.1.2')).statusCode, 401);
      // The health check is never refused: a load balancer polls it.
      for (let i = 0; i < 10; i++) {
        const health = await t.app.inject({ url: '/api/health', remoteAddress: '10.1.1.1' });
        assert.equal(health.statusCode, 200);
      }
    } finally {
      await t.close();
    }
  });

  test('unset, nothing is limited', async () => {
    const t = await buildTestApp();
    try {
      const session = await createSession(t);
      for (let i = 0; i < 50; i++) assert.equal((await me(t, session)).statusCode, 200);
    } finally {
      await t.close();
    }
  });

  test('with REDIS_URL two instances count against one limit, from their first request', async () => {
    // Redis reached slowly: an instance that served before it connected would count in memory.
    const proxy = new TcpProxy('127.0.0.1', 6379, { connectDelayMs: 400 });
    await proxy.up();
    const environment = { API_RATE_LIMIT: '4', REDIS_URL: proxy.rewrite(REDIS_URL) };
    const one = await buildTestApp({ environment });
    const two = await buildTestApp({ environment });
    try {
      // Anonymous calls, from an address of this run's own (Redis outlives the test).
      const address = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.9`;
      assert.equal((await refresh(one, address)).statusCode, 401);
      assert.equal((await refresh(two, address)).statusCode, 401);
      assert.equal((await refresh(one, address)).statusCode, 401);
      assert.equal((await refresh(two, address)).statusCode, 401);
      assert.equal(
        (await refresh(one, address)).statusCode,
        429,
        'four calls across both instances used the limit',
      );
      assert.equal((await refresh(two, address)).statusCode, 429);
    } finally {
      await one.close();
      await two.close();
      await proxy.down();
    }
  });
});
