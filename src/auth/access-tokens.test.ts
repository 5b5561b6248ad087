import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAccessTokens } from './access-tokens.ts';

const key = 'k'.repeat(40);
const identity = { userId: 'u1', role: 'user' as const, familyId: 'f1' };

test('sign then verify returns the identity; the header names the key and HS256', () => {
  const tokens = createAccessTokens([key], 900);
  const token = tokens.sign(identity);
  assert.deepEqual(tokens.verify(token), { ok: true, identity });
  const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString());
  assert.equal(header.alg, 'HS256');
  assert.match(header.kid, /^[0-9a-f]{16}$/);
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
  assert.equal(claims.exp - claims.iat, 900);
  assert.equal(claims.typ, 'access');
});

test('only the listed keys verify; the first signs', () => {
  const current = createAccessTokens(['n'.repeat(40), key], 900);
  const old = createAccessTokens([key], 900);
  assert.equal(current.verify(old.sign(identity)).ok, true, 'an older listed key still verifies');
  assert.equal(old.verify(current.sign(identity)).ok, false, 'a key not listed does not');
  assert.deepEqual(createAccessTokens(['x'.repeat(40)], 900).verify(old.sign(identity)), {
    ok: false,
    reason: 'invalid',
  });
});

test('a kid that names an inherited property is just unknown', () => {
  const tokens = createAccessTokens([key], 900);
  const [, payload, signature] = tokens.sign(identity).split('.');
  for (const kid of ['__proto__', 'constructor', 'toString']) {
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid })).toString('base64url');
    assert.deepEqual(tokens.verify(`${header}.${payload}.${signature}`), { ok: false, reason: 'invalid' });
  }
});

test('an expired token is "expired", still readable for its session when asked to ignore expiry', async () => {
  const tokens = createAccessTokens([key], 1);
  const token = tokens.sign(identity);
  assert.deepEqual(tokens.verify(token), { ok: true, identity }, 'verified, and so remembered');
  assert.deepEqual(tokens.verify(token), { ok: true, identity }, 'served from memory');
  await new Promise((resolve) => setTimeout(resolve, 2100));
  assert.deepEqual(tokens.verify(token), { ok: false, reason: 'expired' }, 'memory never outlives exp');
  assert.deepEqual(tokens.verifyIgnoringExpiry(token), { ok: true, identity });
});
