import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, dataOf, errorOf } from './api-requests.ts';
import { buildTestApp, type TestApp } from './helpers.ts';
import { createSession, type TestSession } from './sessions.ts';

let testApp: TestApp;
let admin: TestSession;
let author: TestSession;
let reader: TestSession;

before(async () => {
  testApp = await buildTestApp();
  admin = await createSession(testApp, { role: 'admin' });
  author = await createSession(testApp);
  reader = await createSession(testApp);
});
after(async () => {
  await testApp.close();
});

test('posts of a soft-deleted user are hidden with their author, and come back on restore', async () => {
  const post = dataOf<{ id: string }>(
    await call(testApp, {
      method: 'POST',
      url: `/api/users/${author.user.id}/posts`,
      as: author,
      payload: { title: 'Mine', body: 'text' },
    }),
    201,
  );
  assert.equal((await call(testApp, { url: `/api/posts/${post.id}`, as: reader })).statusCode, 200);

  const deleted = await call(testApp, { method: 'DELETE', url: `/api/users/${author.user.id}`, as: admin });
  assert.equal(deleted.statusCode, 204, deleted.body);

  errorOf(await call(testApp, { url: `/api/posts/${post.id}`, as: reader }), 404, 'NOT_FOUND');
  errorOf(await call(testApp, { url: `/api/posts/${post.id}`, as: admin }), 404, 'NOT_FOUND');
  errorOf(await call(testApp, { url: `/api/users/${author.user.id}/posts`, as: reader }), 404, 'NOT_FOUND');
  errorOf(
    await call(testApp, {
      method: 'PATCH',
      url: `/api/posts/${post.id}`,
      as: admin,
      payload: { title: 'x' },
    }),
    404,
    'NOT_FOUND',
  );
  errorOf(
    await call(testApp, { method: 'DELETE', url: `/api/posts/${post.id}`, as: admin }),
    404,
    'NOT_FOUND',
  );

  const restored = await call(testApp, {
    method: 'POST',
    url: `/api/users/${author.user.id}/restore`,
    as: admin,
  });
  assert.equal(restored.statusCode, 200, restored.body);
  const again = dataOf<{ id: string; title: string }>(
    await call(testApp, { url: `/api/posts/${post.id}`, as: reader }),
  );
  assert.equal(again.title, 'Mine');
  const list = dataOf<{ items: { id: string }[] }>(
    await call(testApp, { url: `/api/users/${author.user.id}/posts`, as: reader }),
  );
  assert.deepEqual(
    list.items.map((item) => item.id),
    [post.id],
  );
});
