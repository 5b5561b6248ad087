import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../src/config.ts';
import { call, errorOf } from './api-requests.ts';
import { buildTestApp, type TestApp, temporaryDirectory } from './helpers.ts';

let testApp: TestApp;
before(async () => {
  testApp = await buildTestApp({
    environment: { PUBLIC_URL: 'https://api.example.com, https://www.example.com' },
  });
});
after(async () => {
  await testApp.close();
});

const signUp = { email: 'rebind@example.com', password: 'long-enough-password', displayName: 'Rebind' };
const credentials = { email: 'nobody@example.com', password: 'whatever-password' };

describe('the Origin check trusts PUBLIC_URL, never Host (DNS rebinding)', () => {
  for (const host of ['evil.test', 'evil.test:80', 'localhost:3000']) {
    test(`login with Host: ${host} and Origin: http://${host} is refused`, async () => {
      const response = await call(testApp, {
        method: 'POST',
        url: '/api/auth/login',
        headers: { host, origin: `http://${host}` },
        payload: credentials,
      });
      errorOf(response, 403, 'FORBIDDEN');
    });

    test(`sign-up with Host: ${host} and Origin: http://${host} is refused and creates nothing`, async () => {
      const response = await call(testApp, {
        method: 'POST',
        url: '/api/users',
        headers: { host, origin: `http://${host}` },
        payload: signUp,
      });
      errorOf(response, 403, 'FORBIDDEN');
      const row = await testApp.database.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', signUp.email)
        .executeTakeFirst();
      assert.equal(row, undefined);
    });
  }

  for (const origin of ['https://api.example.com', 'https://www.example.com']) {
    test(`each PUBLIC_URL origin (${origin}) passes, whatever the Host`, async () => {
      const response = await call(testApp, {
        method: 'POST',
        url: '/api/auth/login',
        headers: { host: 'evil.test', origin },
        payload: credentials,
      });
      errorOf(response, 401, 'INVALID_CREDENTIALS');
    });
  }
});

describe('PUBLIC_URL configuration', () => {
  const folder = temporaryDirectory();
  after(() => folder.remove());
  const load = (environment: Record<string, string>) => loadConfig(environment, { cwd: folder.path });
  const secrets = {
    JWT_SECRET: 'x'.repeat(32),
    CSRF_SECRET: 'y'.repeat(32),
    DATABASE_URL: 'postgres://db/app',
  };

  test('defaults to the loopback origins of PORT on a loopback or wildcard HOST', () => {
    assert.deepEqual(load({ PORT: '4000' }).publicOrigins, [
      'http://localhost:4000',
      'http://127.0.0.1:4000',
    ]);
    assert.deepEqual(load({ PORT: '4000', HOST: '0.0.0.0' }).publicOrigins, [
      'http://localhost:4000',
      'http://127.0.0.1:4000',
    ]);
  });

  test('defaults to http://HOST:PORT on another HOST', () => {
    assert.deepEqual(load({ HOST: '10.0.0.5', PORT: '8080' }).publicOrigins, ['http://10.0.0.5:8080']);
  });

  test('takes a comma-separated list and drops a trailing slash', () => {
    assert.deepEqual(load({ PUBLIC_URL: 'https://a.example.com/, https://b.example.com' }).publicOrigins, [
      'https://a.example.com',
      'https://b.example.com',
    ]);
  });

  test('refuses a URL with a path, or not http(s)', () => {
    assert.throws(() => load({ PUBLIC_URL: 'https://a.example.com/app' }), /PUBLIC_URL/);
    assert.throws(() => load({ PUBLIC_URL: 'ftp://a.example.com' }), /PUBLIC_URL/);
    assert.throws(() => load({ PUBLIC_URL: 'nonsense' }), /PUBLIC_URL/);
  });

  test('is required in production', () => {
    assert.throws(() => load({ NODE_ENV: 'production', ...secrets }), /PUBLIC_URL is required in production/);
    const config = load({ NODE_ENV: 'production', ...secrets, PUBLIC_URL: 'https://api.example.com' });
    assert.deepEqual(config.publicOrigins, ['https://api.example.com']);
  });
});
