import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPath, pathMatcher } from './contract.ts';

test('buildPath fills and encodes parameters, and refuses a missing one', () => {
  assert.equal(buildPath('/api/users/:id/posts', { id: 'a/b' }), '/api/users/a%2Fb/posts');
  assert.throws(() => buildPath('/api/users/:id', {}), /Missing path parameter "id"/);
});

test('pathMatcher matches one segment per parameter, and no trailing slash', () => {
  const matcher = pathMatcher('/api/users/:id/posts');
  assert.ok(matcher.test('/api/users/123/posts'));
  assert.ok(!matcher.test('/api/users/123/posts/'));
  assert.ok(!matcher.test('/api/users/1/2/posts'));
  assert.ok(!matcher.test('/api/users/123/postsx'));
  assert.ok(pathMatcher('/api/a.b').test('/api/a.b') && !pathMatcher('/api/a.b').test('/api/aXb'));
});
