import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCsrfToken, isCsrfTokenForFamily, verifyCsrf } from './csrf.ts';

const secret = 's'.repeat(40);

test('a token verifies for its family only, and only when header equals cookie', () => {
  const token = createCsrfToken(secret, 'family-a');
  assert.ok(isCsrfTokenForFamily(secret, 'family-a', token));
  assert.ok(!isCsrfTokenForFamily(secret, 'family-b', token));
  assert.ok(!isCsrfTokenForFamily('t'.repeat(40), 'family-a', token));
  assert.ok(verifyCsrf(secret, 'family-a', token, token));
  assert.ok(!verifyCsrf(secret, 'family-a', undefined, token));
  assert.ok(!verifyCsrf(secret, 'family-a', token, undefined));
  assert.ok(!verifyCsrf(secret, 'family-a', `${token}x`, token));
  assert.notEqual(createCsrfToken(secret, 'family-a'), token, 'random per issue');
});

test('malformed tokens never verify', () => {
  for (const bad of ['', '.', 'a.b', 'a.b.c', 'nodot', `${createCsrfToken(secret, 'f')}.extra`]) {
    assert.ok(!isCsrfTokenForFamily(secret, 'f', bad), bad);
  }
});
