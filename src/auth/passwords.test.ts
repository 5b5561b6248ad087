import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, verifyPassword } from './passwords.ts';

test('hashes are argon2id PHC strings with a fresh salt, and verify', async () => {
  const a = await hashPassword('correct horse');
  const b = await hashPassword('correct horse');
  assert.match(a, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  assert.notEqual(a, b, 'salted');
  assert.deepEqual(await verifyPassword(a, 'correct horse'), { valid: true, needsRehash: false });
  assert.equal((await verifyPassword(a, 'correct horsE')).valid, false);
  assert.equal((await verifyPassword(a, '')).valid, false);
});

test('unreadable or hostile stored hashes never match and never run', async () => {
  for (const stored of [
    '',
    'plaintext',
    '$2b$10$abcdefghijklmnopqrstuv',
    '$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
  ]) {
    assert.deepEqual(await verifyPassword(stored, 'x'), { valid: false, needsRehash: false }, stored);
  }
});
