import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSuccessorCipher, generateRefreshToken, hashRefreshToken } from './refresh-tokens.ts';

test('refresh tokens are 256 random bits; only their SHA-256 is stored', () => {
  const token = generateRefreshToken();
  assert.equal(Buffer.from(token, 'base64url').length, 32);
  assert.notEqual(generateRefreshToken(), token);
  assert.equal(hashRefreshToken(token).length, 32);
  assert.ok(hashRefreshToken(token).equals(hashRefreshToken(token)));
});

test('a sealed successor opens only with the same key and untampered', () => {
  const cipher = createSuccessorCipher('a'.repeat(40));
  const token = generateRefreshToken();
  const sealed = cipher.seal(token);
  assert.ok(!sealed.includes(token));
  assert.equal(cipher.open(sealed), token);
  assert.equal(createSuccessorCipher('b'.repeat(40)).open(sealed), null);
  const bytes = Buffer.from(sealed, 'base64url');
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
  assert.equal(cipher.open(bytes.toString('base64url')), null);
  assert.equal(cipher.open('short'), null);
});
