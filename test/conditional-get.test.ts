import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, type TestApp } from './helpers.ts';
import { createSession, type TestSession } from './sessions.ts';

let t: TestApp;
let ada: TestSession;

before(async () => {
  t = await buildTestApp();
  ada = await createSession(t, { displayName: 'Ada Lovelace' });
});

after(async () => {
  await t.close();
});

const read = (url: string, ifNoneMatch?: string, method: 'GET' | 'HEAD' = 'GET') =>
  t.app.inject({
    method,
    url,
    headers: { ...ada.headers, ...(ifNoneMatch === undefined ? {} : { 'if-none-match': ifNoneMatch }) },
  });

describe('If-None-Match on a read that carries an ETag', () => {
  test('the current tag, weakly compared, in a list, or *: 304 with the same headers and no body', async () => {
    const url = `/api/users/${ada.user.id}`;
    const first = await read(url);
    assert.equal(first.statusCode, 200);
    const tag = first.headers.etag as string;
    assert.match(tag, /^"[^"]+"$/);
    for (const condition of [tag, `W/${tag}`, `"elsewhere", ${tag}`, '*']) {
      const answer = await read(url, condition);
      assert.equal(answer.statusCode, 304, condition);
      assert.equal(answer.body, '', condition);
      assert.equal(answer.headers.etag, tag);
      assert.equal(answer.headers['cache-control'], 'no-store');
      assert.ok(answer.headers['x-request-id']);
    }
    assert.equal((await read(url, tag, 'HEAD')).statusCode, 304);
    const other = await read(url, '"elsewhere"');
    assert.equal(other.statusCode, 200);
    assert.equal(other.json().data.id, ada.user.id);
  });

  test('after a write the old tag reads the new version in full', async () => {
    const url = `/api/users/${ada.user.id}`;
    const before = (await read(url)).headers.etag as string;
    const patched = await t.app.inject({
      method: 'PATCH',
      url,
      headers: ada.headers,
      payload: { displayName: 'Ada King' },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    const after = await read(url, before);
    assert.equal(after.statusCode, 200);
    assert.equal(after.json().data.displayName, 'Ada King');
    assert.notEqual(after.headers.etag, before);
  });

  test('a malformed header is 400; a missing item is 404 whatever it says; a list ignores it', async () => {
    const malformed = await read(`/api/users/${ada.user.id}`, 'no-quotes');
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().error.code, 'INVALID_INPUT');
    const missing = await read('/api/users/00000000-0000-4000-8000-000000000000', '*');
    assert.equal(missing.statusCode, 404);
    const list = await read('/api/users', '*');
    assert.equal(list.statusCode, 200);
    assert.equal(list.headers.etag, undefined);
  });

  test('the document declares it on reads with an ETag, and only there', async () => {
    const document = (await t.app.inject({ url: '/api/openapi.json' })).json();
    const getUser = document.paths['/api/users/{id}'].get;
    assert.ok(getUser.responses['304']);
    assert.ok(
      getUser.parameters.some((p: { $ref?: string }) => p.$ref === '#/components/parameters/IfNoneMatch'),
    );
    const listUsers = document.paths['/api/users'].get;
    assert.equal(listUsers.responses['304'], undefined);
    const patchUser = document.paths['/api/users/{id}'].patch;
    assert.equal(patchUser.responses['304'], undefined);
  });
});
