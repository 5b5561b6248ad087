import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPath } from '../protocol/contract.ts';
import { readCookie } from './cookies.ts';
import { fillPath, queryString } from './request.ts';
import { parseRetryAfter } from './retry-after.ts';

test('fillPath fills and encodes like the contract does, and refuses a missing parameter', () => {
  for (const id of ['abc', 'a/b c', 'ü?#&']) {
    assert.equal(fillPath('/api/users/:id/posts', { id }), buildPath('/api/users/:id/posts', { id }));
  }
  assert.throws(() => fillPath('/api/users/:id', {}), /Missing path parameter "id"/);
});

test('queryString leaves out undefined and null, repeats arrays, refuses objects', () => {
  assert.equal(queryString(undefined), '');
  assert.equal(queryString({ a: undefined, b: null }), '');
  assert.equal(queryString({ page: 2, tag: ['x', 'y z'], on: true }), '?page=2&tag=x&tag=y+z&on=true');
  assert.throws(() => queryString({ filter: { role: 'admin' } }), /must be a string, number or boolean/);
});

test('readCookie finds a cookie among others and decodes it', () => {
  assert.equal(readCookie('a=1; csrf_token=x%2By.z; b=2', 'csrf_token'), 'x+y.z');
  assert.equal(readCookie('xcsrf_token=1; csrf_token_old=2', 'csrf_token'), undefined);
  assert.equal(readCookie('', 'csrf_token'), undefined);
  assert.equal(readCookie('csrf_token=%E0%A4%A', 'csrf_token'), '%E0%A4%A');
});

test('parseRetryAfter reads seconds and HTTP dates, and nothing else', () => {
  const now = Date.parse('2026-01-15T10:30:00.000Z');
  assert.equal(parseRetryAfter('120', now), 120);
  assert.equal(parseRetryAfter('Thu, 15 Jan 2026 10:31:00 GMT', now), 60);
  assert.equal(parseRetryAfter('Thu, 15 Jan 2026 10:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter(null, now), null);
  assert.equal(parseRetryAfter('soon', now), null);
  assert.equal(parseRetryAfter('-5', now), null);
});
