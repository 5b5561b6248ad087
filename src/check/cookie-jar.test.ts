import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CookieJar, isClearing, parseSetCookie } from './cookie-jar.ts';

const NOW = Date.UTC(2026, 0, 1);

test('parseSetCookie reads the flags, path and lifetime (Max-Age wins over Expires)', () => {
  const cookie = parseSetCookie(
    'refresh_token=abc; Max-Age=604800; Expires=Thu, 01 Jan 2026 00:01:00 GMT; Path=/api/auth; HttpOnly; Secure; SameSite=Strict',
    NOW,
  );
  assert.deepEqual(
    { ...cookie, raw: undefined },
    {
      name: 'refresh_token',
      value: 'abc',
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
      path: '/api/auth',
      lifetime: 604800,
      raw: undefined,
    },
  );
  assert.equal(parseSetCookie('a=b; Expires=Thu, 01 Jan 2026 00:01:00 GMT', NOW)?.lifetime, 60);
  assert.equal(parseSetCookie('a=b', NOW)?.lifetime, undefined);
  assert.equal(parseSetCookie('no-equals-sign; Path=/', NOW), undefined);
  assert.equal(parseSetCookie('=value', NOW), undefined);
});

test('isClearing: an empty value or a lifetime of zero or less', () => {
  assert.equal(isClearing(parseSetCookie('a=; Path=/') as never), true);
  assert.equal(isClearing(parseSetCookie('a=x; Max-Age=0') as never), true);
  assert.equal(isClearing(parseSetCookie('a=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT') as never), true);
  assert.equal(isClearing(parseSetCookie('a=x; Max-Age=60') as never), false);
});

test('the jar sends cookies by path match, longest path first, and forgets cleared ones', () => {
  const jar = new CookieJar({ sendSecureOverHttp: false });
  jar.store(['access=1; Path=/', 'refresh=2; Path=/api/auth', 'scoped=3'], '/api/auth/login', NOW);
  assert.equal(jar.header('/api/auth/refresh', true, NOW), 'refresh=2; scoped=3; access=1');
  assert.equal(jar.header('/api/users', true, NOW), 'access=1');
  assert.equal(jar.header('/api/authority', true, NOW), 'access=1', 'a path prefix must end at a slash');
  jar.store(['refresh=; Path=/api/auth; Max-Age=0'], '/api/auth/logout', NOW);
  assert.equal(jar.get('refresh', '/api/auth/refresh'), undefined);
  assert.deepEqual(jar.names().sort(), ['access', 'scoped']);
});

test('Secure cookies go back over plain http only when the jar is told the host is loopback', () => {
  const line = ['s=1; Path=/; Secure', 'p=2; Path=/'];
  const remote = new CookieJar({ sendSecureOverHttp: false });
  remote.store(line, '/', NOW);
  assert.equal(remote.header('/', false, NOW), 'p=2');
  assert.equal(remote.header('/', true, NOW), 's=1; p=2');
  const loopback = new CookieJar({ sendSecureOverHttp: true });
  loopback.store(line, '/', NOW);
  assert.equal(loopback.header('/', false, NOW), 's=1; p=2');
});

test('expired cookies are not sent', () => {
  const jar = new CookieJar({ sendSecureOverHttp: true });
  jar.store(['short=1; Max-Age=10; Path=/'], '/', NOW);
  assert.equal(jar.header('/', true, NOW + 5_000), 'short=1');
  assert.equal(jar.header('/', true, NOW + 11_000), undefined);
});
