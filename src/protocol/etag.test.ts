import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from './errors.ts';
import { assertIfMatch, entityTag, parseIfMatch } from './etag.ts';

test('entityTag is a strong quoted tag that follows the representation', () => {
  const tag = entityTag({ id: 'a', title: 'x' });
  assert.match(tag, /^"[A-Za-z0-9_-]{22}"$/);
  assert.equal(entityTag({ id: 'a', title: 'x' }), tag);
  assert.notEqual(entityTag({ id: 'a', title: 'y' }), tag);
});

test('parseIfMatch reads *, lists, and drops weak tags', () => {
  assert.equal(parseIfMatch(undefined), undefined);
  assert.equal(parseIfMatch(' * '), '*');
  assert.deepEqual(parseIfMatch('"a"'), ['"a"']);
  assert.deepEqual(parseIfMatch('"a", W/"b" ,"c,d"'), ['"a"', '"c,d"']);
  assert.deepEqual(parseIfMatch(['"a"', '"b"']), ['"a"', '"b"']);
});

test('a malformed If-Match is 400 INVALID_INPUT', () => {
  for (const bad of ['', 'abc', '"a', '"a" "b"', '*, "a"', 'W/a']) {
    assert.throws(
      () => parseIfMatch(bad),
      (error: unknown) => error instanceof AppError && error.code === 'INVALID_INPUT',
      bad,
    );
  }
});

test('assertIfMatch: absent, * or a listed tag passes; anything else is 409 CONFLICT with the ETag', () => {
  const current = entityTag({ v: 1 });
  assertIfMatch(undefined, current);
  assertIfMatch('*', current);
  assertIfMatch(`"old", ${current}`, current);
  assert.throws(
    () => assertIfMatch('"old"', current),
    (error: unknown) =>
      error instanceof AppError && error.code === 'CONFLICT' && error.headers?.ETag === current,
  );
  assert.throws(
    () => assertIfMatch(`W/${current}`, current),
    (error: unknown) => error instanceof AppError && error.code === 'CONFLICT',
    'weak comparison never satisfies If-Match',
  );
});
