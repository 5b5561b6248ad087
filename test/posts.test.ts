import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { DEFERRED_JOIN_MIN_OFFSET } from '../src/kit/resource-repository.ts';
import { ulidTime, ulidToUuid, uuidToUlid } from '../src/protocol/ids.ts';
import type { Post } from '../src/protocol/routes/posts.ts';
import { call, dataOf, errorOf, offsetFacts, type Page, walkPages } from './api-requests.ts';
import { buildTestApp, type TestApp } from './helpers.ts';
import { createSession, type TestSession } from './sessions.ts';

let t: TestApp;
let admin: TestSession;
let author: TestSession;
let reader: TestSession;

before(async () => {
  t = await buildTestApp();
  admin = await createSession(t, { role: 'admin' });
  author = await createSession(t);
  reader = await createSession(t);
});
after(async () => {
  await t.close();
});

function postsOf(user: TestSession) {
  return `/api/users/${user.user.id}/posts`;
}

async function createPost(as: TestSession, payload: Record<string, unknown>, owner = as): Promise<Post> {
  return dataOf<Post>(await call(t, { method: 'POST', url: postsOf(owner), as, payload }), 201);
}

describe('POST /api/users/:id/posts', () => {
  test('201 with Location, ETag, and the representation with a ULID id', async () => {
    const response = await call(t, {
      method: 'POST',
      url: postsOf(author),
      as: author,
      payload: { title: '  Hello  ', body: 'First post' },
    });
    const post = dataOf<Post>(response, 201);
    assert.deepEqual(Object.keys(post).sort(), ['body', 'createdAt', 'id', 'title', 'updatedAt', 'userId']);
    assert.match(post.id, /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    assert.equal(post.userId, author.user.id);
    assert.equal(post.title, 'Hello');
    assert.equal(response.headers.location, `/api/posts/${post.id}`);
    assert.match(String(response.headers.etag), /^"[A-Za-z0-9_-]{22}"$/);
    // The ULID's time is when the app made it; created_at is the database's clock.
    assert.ok(Math.abs(ulidTime(post.id) - Date.parse(post.createdAt)) < 5_000);
    const row = await t.database.db
      .selectFrom('posts')
      .select('id')
      .where('title', '=', 'Hello')
      .executeTakeFirstOrThrow();
    assert.equal(row.id, ulidToUuid(post.id), 'stored as the uuid of the same 128 bits');
  });

  test('only that user or an admin may post under a user; an unknown or deleted user is 404', async () => {
    errorOf(
      await call(t, { method: 'POST', url: postsOf(author), as: reader, payload: { title: 'x', body: 'y' } }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    const byAdmin = await createPost(admin, { title: 'On behalf', body: '' }, author);
    assert.equal(byAdmin.userId, author.user.id);
    errorOf(
      await call(t, {
        method: 'POST',
        url: '/api/users/7f1b1f36-2a0c-4f7d-9a55-0c1a8a0d7e11/posts',
        as: admin,
        payload: { title: 'x', body: 'y' },
      }),
      404,
      'NOT_FOUND',
    );
    const gone = await createSession(t);
    await call(t, { method: 'DELETE', url: `/api/users/${gone.user.id}`, as: admin });
    errorOf(
      await call(t, { method: 'POST', url: postsOf(gone), as: admin, payload: { title: 'x', body: 'y' } }),
      404,
      'NOT_FOUND',
    );
  });

  test('title 1-200 and body up to 20,000 characters; unknown or missing fields are 400', async () => {
    const url = postsOf(author);
    const send = (payload: unknown) => call(t, { method: 'POST', url, as: author, payload });
    assert.deepEqual(Object.keys(errorOf(await send({ title: '   ', body: 'b' }), 400, 'VALIDATION_ERROR')), [
      'title',
    ]);
    errorOf(await send({ title: 't'.repeat(201), body: 'b' }), 400, 'VALIDATION_ERROR');
    errorOf(await send({ title: 't', body: 'b'.repeat(20_001) }), 400, 'VALIDATION_ERROR');
    assert.deepEqual(errorOf(await send({ title: 't' }), 400, 'MISSING_FIELD'), { body: ['Required'] });
    errorOf(await send({ title: 't', body: 'b', userId: reader.user.id }), 400, 'VALIDATION_ERROR');
    errorOf(await send({ title: 't', body: 'b', id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }), 400, 'VALIDATION_ERROR');
    const longest = await createPost(author, { title: 't'.repeat(200), body: 'b'.repeat(20_000) });
    assert.equal(longest.body.length, 20_000);
  });
});

describe('GET /api/posts/:id', () => {
  test('200 with an ETag, by the ULID in either case; a bad ULID is 400 INVALID_INPUT; unknown 404', async () => {
    const post = await createPost(author, { title: 'Readable', body: 'text' });
    const response = await call(t, { url: `/api/posts/${post.id}`, as: reader });
    assert.deepEqual(dataOf<Post>(response), post);
    assert.ok(response.headers.etag);
    assert.deepEqual(
      dataOf<Post>(await call(t, { url: `/api/posts/${post.id.toLowerCase()}`, as: reader })),
      post,
    );
    for (const bad of [
      'not-a-ulid',
      '81ARZ3NDEKTSV4RRFFQ69G5FAV',
      '01ARZ3NDEKTSV4RRFFQ69G5FAI',
      ulidToUuid(post.id),
    ]) {
      errorOf(await call(t, { url: `/api/posts/${bad}`, as: reader }), 400, 'INVALID_INPUT');
    }
    errorOf(await call(t, { url: '/api/posts/01ARZ3NDEKTSV4RRFFQ69G5FAV', as: reader }), 404, 'NOT_FOUND');
  });
});

describe('GET /api/users/:id/posts', () => {
  test('nested pages with exact totals; search by title; 404 for an unknown user', async () => {
    const writer = await createSession(t);
    for (let index = 1; index <= 7; index += 1) {
      await createPost(writer, {
        title: index % 2 === 0 ? `Even ${index}` : `Odd ${index}`,
        body: `#${index}`,
      });
    }
    const page = dataOf<Page<Post>>(
      await call(t, { url: `${postsOf(writer)}?pageSize=3&page=3`, as: reader }),
    );
    assert.equal(page.items.length, 1);
    assert.deepEqual(offsetFacts(page), {
      page: 3,
      pageSize: 3,
      totalItems: 7,
      totalPages: 3,
      hasNextPage: false,
      hasPreviousPage: true,
    });
    const even = dataOf<Page<Post>>(
      await call(t, { url: `${postsOf(writer)}?search=EVEN&sortBy=title&sortOrder=asc`, as: reader }),
    );
    assert.deepEqual(
      even.items.map((post) => post.title),
      ['Even 2', 'Even 4', 'Even 6'],
    );
    assert.equal(even.pagination.totalItems, 3);
    const empty = dataOf<Page<Post>>(await call(t, { url: postsOf(reader), as: reader }));
    assert.deepEqual(offsetFacts(empty), {
      page: 1,
      pageSize: 20,
      totalItems: 0,
      totalPages: 0,
      hasNextPage: false,
      hasPreviousPage: false,
    });
    errorOf(
      await call(t, { url: '/api/users/7f1b1f36-2a0c-4f7d-9a55-0c1a8a0d7e11/posts', as: reader }),
      404,
      'NOT_FOUND',
    );
    for (const sortBy of ['userId', 'body', '__proto__', 'user_id']) {
      errorOf(
        await call(t, { url: `${postsOf(writer)}?sortBy=${sortBy}`, as: reader }),
        400,
        'VALIDATION_ERROR',
      );
    }
    errorOf(await call(t, { url: postsOf(writer) }), 401, 'UNAUTHORIZED');
  });

  test('ULIDs sort in creation order, so posts sharing a created_at still list in creation order', async () => {
    const writer = await createSession(t);
    const made: string[] = [];
    for (let index = 0; index < 25; index += 1)
      made.push((await createPost(writer, { title: `n${index}`, body: '' })).id);
    assert.deepEqual([...made].sort(), made, 'each id is greater than the one before');
    // As if all 25 were made in one millisecond: only the id can order them now.
    await sql`update posts set created_at = '2022-02-02T00:00:00Z' where user_id = ${writer.user.id}`.execute(
      t.database.db,
    );
    const newestFirst = await walkPages(t, reader, postsOf(writer), 4);
    assert.deepEqual(newestFirst, [...made].reverse());
    const oldestFirst = await walkPages(t, reader, `${postsOf(writer)}?sortOrder=asc`, 4);
    assert.deepEqual(oldestFirst, made);
  });

  test('paging through posts that share one created_at returns each exactly once, near and deep', async () => {
    const writer = await createSession(t);
    // 231 rows: pages past offset 200 are read by the deferred join, earlier ones directly.
    const count = DEFERRED_JOIN_MIN_OFFSET + 31;
    await sql`
      insert into posts (user_id, title, body, created_at, updated_at)
      select ${writer.user.id}, 'same time ' || (g % 5), '', '2021-06-01T00:00:00Z', '2021-06-01T00:00:00Z'
      from generate_series(1, ${count}::int) as g`.execute(t.database.db);
    const byTwo = await walkPages(t, reader, `${postsOf(writer)}?sortBy=title`, 2);
    assert.equal(new Set(byTwo).size, count, 'sorted by title, which rows share in groups of 46');
    const ids = await walkPages(t, reader, postsOf(writer), 9);
    assert.equal(ids.length, count);
    assert.equal(new Set(ids).size, count);
    const expected = await t.database.db
      .selectFrom('posts')
      .select('id')
      .where('user_id', '=', writer.user.id)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    assert.deepEqual(
      ids,
      expected.map((row) => uuidToUlid(row.id)),
    );
  });
});

describe('PATCH, PUT, DELETE and restore /api/posts/:id', () => {
  test('the author may PATCH (createdAt kept, updatedAt advanced) and PUT; PUT without a field is 400', async () => {
    const post = await createPost(author, { title: 'Draft', body: 'v1' });
    await sql`update posts set created_at = '2020-01-01T00:00:00Z', updated_at = '2020-01-01T00:00:00Z'
              where id = ${ulidToUuid(post.id)}`.execute(t.database.db);
    const url = `/api/posts/${post.id}`;
    const patched = dataOf<Post>(
      await call(t, { method: 'PATCH', url, as: author, payload: { body: 'v2' } }),
    );
    assert.equal(patched.title, 'Draft');
    assert.equal(patched.body, 'v2');
    assert.equal(patched.createdAt, '2020-01-01T00:00:00.000Z');
    assert.ok(patched.updatedAt > patched.createdAt);
    assert.deepEqual(
      errorOf(
        await call(t, { method: 'PUT', url, as: author, payload: { title: 'Only title' } }),
        400,
        'MISSING_FIELD',
      ),
      { body: ['Required'] },
    );
    const replaced = dataOf<Post>(
      await call(t, { method: 'PUT', url, as: author, payload: { title: 'Final', body: 'v3' } }),
    );
    assert.deepEqual([replaced.title, replaced.body], ['Final', 'v3']);
    errorOf(
      await call(t, { method: 'PATCH', url, as: author, payload: { userId: reader.user.id } }),
      400,
      'VALIDATION_ERROR',
    );
  });

  test("another user's PATCH, PUT or DELETE is 403; an admin's is allowed", async () => {
    const post = await createPost(author, { title: 'Mine', body: '' });
    const url = `/api/posts/${post.id}`;
    errorOf(
      await call(t, { method: 'PATCH', url, as: reader, payload: { title: 'Yours' } }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    errorOf(
      await call(t, { method: 'PUT', url, as: reader, payload: { title: 'Yours', body: '' } }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    errorOf(await call(t, { method: 'DELETE', url, as: reader }), 403, 'INSUFFICIENT_PERMISSIONS');
    assert.equal(
      dataOf<Post>(await call(t, { method: 'PATCH', url, as: admin, payload: { title: 'Moderated' } })).title,
      'Moderated',
    );
  });

  test('If-Match: a stale ETag is 409 CONFLICT', async () => {
    const post = await createPost(author, { title: 'Versioned', body: '' });
    const url = `/api/posts/${post.id}`;
    const etag = String((await call(t, { url, as: author })).headers.etag);
    dataOf(
      await call(t, {
        method: 'PATCH',
        url,
        as: author,
        headers: { 'if-match': etag },
        payload: { body: '1' },
      }),
    );
    errorOf(
      await call(t, {
        method: 'PATCH',
        url,
        as: author,
        headers: { 'if-match': etag },
        payload: { body: '2' },
      }),
      409,
      'CONFLICT',
    );
  });

  test('soft delete: 204, then 404 and gone from the list and its total; restore (admin) brings it back', async () => {
    const writer = await createSession(t);
    const keep = await createPost(writer, { title: 'Keep', body: '' });
    const post = await createPost(writer, { title: 'Doomed', body: '' });
    const url = `/api/posts/${post.id}`;
    assert.equal((await call(t, { method: 'DELETE', url, as: writer })).statusCode, 204);
    errorOf(await call(t, { url, as: writer }), 404, 'NOT_FOUND');
    errorOf(await call(t, { method: 'PATCH', url, as: writer, payload: {} }), 404, 'NOT_FOUND');
    errorOf(await call(t, { method: 'DELETE', url, as: writer }), 404, 'NOT_FOUND');
    const listed = dataOf<Page<Post>>(await call(t, { url: postsOf(writer), as: reader }));
    assert.deepEqual(
      listed.items.map((item) => item.id),
      [keep.id],
    );
    assert.equal(listed.pagination.totalItems, 1);
    errorOf(
      await call(t, { url: `${postsOf(writer)}?includeDeleted=true`, as: writer }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    const all = dataOf<Page<Post>>(
      await call(t, { url: `${postsOf(writer)}?includeDeleted=true`, as: admin }),
    );
    assert.equal(all.pagination.totalItems, 2);
    errorOf(
      await call(t, { method: 'POST', url: `${url}/restore`, as: writer }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    assert.equal(
      dataOf<Post>(await call(t, { method: 'POST', url: `${url}/restore`, as: admin })).id,
      post.id,
    );
    assert.equal(
      dataOf<Page<Post>>(await call(t, { url: postsOf(writer), as: reader })).pagination.totalItems,
      2,
    );
  });
});
