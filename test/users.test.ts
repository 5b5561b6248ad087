import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { User } from '../src/protocol/routes/users.ts';
import {
  call,
  dataOf,
  errorOf,
  MALFORMED_PAGING,
  offsetFacts,
  type Page,
  walkPages,
} from './api-requests.ts';
import { buildTestApp, type TestApp } from './helpers.ts';
import { createSession, type TestSession } from './sessions.ts';

let t: TestApp;
let admin: TestSession;
let alice: TestSession;
let bob: TestSession;
const SHARED_CREATED_AT = '2020-01-01T00:00:00.000Z';
const BULK = 42;

/** Users made straight in the database, all created at the same instant, to test the total order. */
async function insertBulkUsers(): Promise<void> {
  await sql`
    insert into users (email, password_hash, display_name, created_at, updated_at)
    select 'bulk-' || g || '@example.com', 'not-a-real-hash', 'Bulk ' || (g % 3), ${SHARED_CREATED_AT}, ${SHARED_CREATED_AT}
    from generate_series(1, ${BULK}) as g`.execute(t.database.db);
}

before(async () => {
  t = await buildTestApp();
  admin = await createSession(t, { role: 'admin', displayName: 'Ada Admin', email: 'ada@example.com' });
  alice = await createSession(t, { displayName: 'Alice Liddell', email: 'alice@example.com' });
  bob = await createSession(t, { displayName: 'Bob 100%_sure', email: 'bob@example.com' });
  await insertBulkUsers();
});
after(async () => {
  await t.close();
});

const TOTAL = BULK + 3;

function list(query: string, as: TestSession = alice) {
  return call(t, { url: `/api/users${query}`, as });
}

describe('GET /api/users: pagination', () => {
  test('first, middle, last, past-the-end pages: exact totals and the spec math', async () => {
    const first = dataOf<Page<User>>(await list('?pageSize=20'));
    assert.equal(first.items.length, 20);
    assert.deepEqual(offsetFacts(first), {
      page: 1,
      pageSize: 20,
      totalItems: TOTAL,
      totalPages: 3,
      hasNextPage: true,
      hasPreviousPage: false,
    });
    const middle = dataOf<Page<User>>(await list('?page=2&pageSize=20'));
    assert.equal(middle.items.length, 20);
    assert.equal(middle.pagination.hasNextPage, true);
    assert.equal(middle.pagination.hasPreviousPage, true);
    const last = dataOf<Page<User>>(await list('?page=3&pageSize=20'));
    assert.equal(last.items.length, TOTAL - 40);
    assert.equal(last.pagination.hasNextPage, false);
    assert.equal(last.pagination.hasPreviousPage, true);
    const past = dataOf<Page<User>>(await list('?page=9&pageSize=20'));
    assert.deepEqual(past.items, []);
    assert.deepEqual(offsetFacts(past), {
      page: 9,
      pageSize: 20,
      totalItems: TOTAL,
      totalPages: 3,
      hasNextPage: false,
      hasPreviousPage: true,
    });
  });

  test('an empty list: no items, totalPages 0', async () => {
    const empty = dataOf<Page<User>>(await list('?search=nobody-has-this'));
    assert.deepEqual(empty.items, []);
    assert.deepEqual(offsetFacts(empty), {
      page: 1,
      pageSize: 20,
      totalItems: 0,
      totalPages: 0,
      hasNextPage: false,
      hasPreviousPage: false,
    });
  });

  test('defaults: page 1, 20 per page, newest first', async () => {
    const page = dataOf<Page<User>>(await list(''));
    assert.equal(page.pagination.pageSize, 20);
    const stamps = page.items.map((user) => user.createdAt);
    assert.deepEqual(stamps, [...stamps].sort().reverse());
    assert.equal(page.items[0]?.id, bob.user.id, 'the newest user comes first');
  });

  test('out-of-range or malformed paging parameters: 400 VALIDATION_ERROR naming the parameter', async () => {
    const cases = [...MALFORMED_PAGING, ['includeDeleted=yes', 'includeDeleted'], ['pagesize=5', 'pagesize']];
    for (const [query, field] of cases) {
      const details = errorOf(await list(`?${query}`), 400, 'VALIDATION_ERROR');
      assert.deepEqual(Object.keys(details), [field], query);
    }
  });

  test('sortBy outside the allow-list is 400, whatever it names', async () => {
    for (const sortBy of [
      '__proto__',
      'constructor',
      'toString',
      'password_hash',
      'passwordHash',
      'created_at',
      'deletedAt',
      'email;drop table users',
      'email desc',
      '',
    ]) {
      const details = errorOf(await list(`?sortBy=${encodeURIComponent(sortBy)}`), 400, 'VALIDATION_ERROR');
      assert.deepEqual(Object.keys(details), ['sortBy'], sortBy);
    }
    const still = dataOf<Page<User>>(await list('?pageSize=1'));
    assert.equal(still.pagination.totalItems, TOTAL, 'the table is still there');
  });

  test('paging by 2 through rows that share one created_at returns each exactly once, in a total order', async () => {
    for (const order of ['desc', 'asc'] as const) {
      const ids = await walkPages(t, alice, `/api/users?sortOrder=${order}`, 2);
      assert.equal(new Set(ids).size, TOTAL, `${order}: no user repeats or vanishes`);
      const expected = await t.database.db
        .selectFrom('users')
        .select('id')
        .where('deleted_at', 'is', null)
        .orderBy('created_at', order)
        .orderBy('id', order)
        .execute();
      assert.deepEqual(
        ids,
        expected.map((row) => row.id),
        `${order}: created_at, then the id`,
      );
    }
    // Sorting on a field with many equal values ("Bulk 0", "Bulk 1", "Bulk 2") is total too.
    const byName = await walkPages(t, alice, '/api/users?sortBy=displayName&sortOrder=asc', 2);
    assert.equal(new Set(byName).size, TOTAL);
  });

  test('sortBy each allowed field orders by it', async () => {
    const byEmail = dataOf<Page<User>>(await list('?sortBy=email&sortOrder=asc&pageSize=100'));
    const emails = byEmail.items.map((user) => user.email);
    assert.equal(emails[0], 'ada@example.com');
    assert.equal(emails.length, TOTAL);
    const byUpdated = dataOf<Page<User>>(await list('?sortBy=updatedAt&sortOrder=asc&pageSize=1'));
    assert.equal(byUpdated.items[0]?.updatedAt, SHARED_CREATED_AT);
  });
});

describe('GET /api/users: search', () => {
  test('case-insensitive substring of the e-mail or the display name', async () => {
    const byEmail = dataOf<Page<User>>(await list('?search=ALICE%40EXAMPLE'));
    assert.deepEqual(
      byEmail.items.map((user) => user.id),
      [alice.user.id],
    );
    const byName = dataOf<Page<User>>(await list('?search=liddell'));
    assert.deepEqual(
      byName.items.map((user) => user.id),
      [alice.user.id],
    );
    const many = dataOf<Page<User>>(await list('?search=bulk%201&pageSize=5'));
    assert.equal(many.pagination.totalItems, BULK / 3, 'the total of a search is exact');
    assert.equal(many.items.length, 5);
  });

  test('% and _ are matched as plain characters, not wildcards', async () => {
    const percent = dataOf<Page<User>>(await list(`?search=${encodeURIComponent('100%_')}`));
    assert.deepEqual(
      percent.items.map((user) => user.id),
      [bob.user.id],
    );
    const underscore = dataOf<Page<User>>(await list('?search=_'));
    assert.deepEqual(
      underscore.items.map((user) => user.id),
      [bob.user.id],
    );
  });

  test('search is bounded, and needs a session', async () => {
    errorOf(await list(`?search=${'x'.repeat(101)}`), 400, 'VALIDATION_ERROR');
    // A truncated UTF-8 sequence is not a search for its literal text.
    errorOf(await list('?search=%E2%82'), 400, 'INVALID_INPUT');
    errorOf(await call(t, { url: '/api/users' }), 401, 'UNAUTHORIZED');
  });
});

describe('GET /api/users/:id', () => {
  test('200 with an ETag; unknown id 404; malformed id 400 INVALID_INPUT', async () => {
    const response = await call(t, { url: `/api/users/${bob.user.id}`, as: alice });
    assert.deepEqual(dataOf<User>(response), bob.user);
    assert.match(String(response.headers.etag), /^"[A-Za-z0-9_-]{22}"$/);
    errorOf(
      await call(t, { url: '/api/users/7f1b1f36-2a0c-4f7d-9a55-0c1a8a0d7e11', as: alice }),
      404,
      'NOT_FOUND',
    );
    errorOf(await call(t, { url: '/api/users/not-a-uuid', as: alice }), 400, 'INVALID_INPUT');
  });
});

describe('PATCH and PUT /api/users/:id', () => {
  test('PATCH changes the given fields, keeps createdAt and advances updatedAt', async () => {
    const user = await createSession(t, { displayName: 'Before' });
    await sql`update users set created_at = ${SHARED_CREATED_AT}, updated_at = ${SHARED_CREATED_AT}
              where id = ${user.user.id}`.execute(t.database.db);
    const data = dataOf<User>(
      await call(t, {
        method: 'PATCH',
        url: `/api/users/${user.user.id}`,
        as: user,
        payload: { displayName: '  After  ' },
      }),
    );
    assert.equal(data.displayName, 'After');
    assert.equal(data.avatarUrl, null, 'fields left out are unchanged');
    assert.equal(data.createdAt, SHARED_CREATED_AT);
    assert.ok(data.updatedAt > SHARED_CREATED_AT);
  });

  test('an empty PATCH changes nothing: 200 with the user as it is', async () => {
    const before = dataOf<User>(await call(t, { url: `/api/users/${alice.user.id}`, as: alice }));
    const after = dataOf<User>(
      await call(t, { method: 'PATCH', url: `/api/users/${alice.user.id}`, as: alice, payload: {} }),
    );
    assert.deepEqual(after, before);
  });

  test('fields that are not updatable, or invalid values, are 400', async () => {
    const url = `/api/users/${alice.user.id}`;
    for (const payload of [
      { role: 'admin' },
      { email: 'x@example.com' },
      { isActive: false },
      { password_hash: 'x' },
    ]) {
      errorOf(await call(t, { method: 'PATCH', url, as: alice, payload }), 400, 'VALIDATION_ERROR');
    }
    errorOf(
      await call(t, { method: 'PATCH', url, as: alice, payload: { avatarUrl: 'javascript:alert(1)' } }),
      400,
      'VALIDATION_ERROR',
    );
    errorOf(
      await call(t, { method: 'PATCH', url, as: alice, payload: { displayName: '' } }),
      400,
      'VALIDATION_ERROR',
    );
  });

  test('PUT replaces every updatable field; a missing one is 400 MISSING_FIELD', async () => {
    const url = `/api/users/${alice.user.id}`;
    const details = errorOf(
      await call(t, { method: 'PUT', url, as: alice, payload: { displayName: 'Only name' } }),
      400,
      'MISSING_FIELD',
    );
    assert.deepEqual(details, { avatarUrl: ['Required'] });
    const set = dataOf<User>(
      await call(t, {
        method: 'PUT',
        url,
        as: alice,
        payload: { displayName: 'Alice', avatarUrl: 'https://example.com/a.png' },
      }),
    );
    assert.equal(set.avatarUrl, 'https://example.com/a.png');
    const cleared = dataOf<User>(
      await call(t, {
        method: 'PUT',
        url,
        as: alice,
        payload: { displayName: 'Alice Liddell', avatarUrl: null },
      }),
    );
    assert.equal(cleared.avatarUrl, null);
  });

  test("another user's PATCH, PUT or DELETE is 403 INSUFFICIENT_PERMISSIONS; an admin may", async () => {
    const url = `/api/users/${bob.user.id}`;
    errorOf(
      await call(t, { method: 'PATCH', url, as: alice, payload: { displayName: 'Hacked' } }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    errorOf(
      await call(t, { method: 'PUT', url, as: alice, payload: { displayName: 'Hacked', avatarUrl: null } }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    errorOf(await call(t, { method: 'DELETE', url, as: alice }), 403, 'INSUFFICIENT_PERMISSIONS');
    assert.equal(dataOf<User>(await call(t, { url, as: alice })).displayName, 'Bob 100%_sure');
    const byAdmin = dataOf<User>(
      await call(t, { method: 'PATCH', url, as: admin, payload: { displayName: 'Bob 100%_sure' } }),
    );
    assert.equal(byAdmin.id, bob.user.id);
  });

  test('writes need the CSRF token of the session', async () => {
    const { cookie } = alice.headers;
    assert.ok(cookie);
    errorOf(
      await call(t, {
        method: 'PATCH',
        url: `/api/users/${alice.user.id}`,
        headers: { cookie },
        payload: { displayName: 'No token' },
      }),
      403,
      'FORBIDDEN',
    );
  });
});

describe('ETag and If-Match', () => {
  test('a write with a stale If-Match is 409 CONFLICT; the current one succeeds', async () => {
    const user = await createSession(t);
    const url = `/api/users/${user.user.id}`;
    const read = await call(t, { url, as: user });
    const etag = String(read.headers.etag);
    const first = await call(t, {
      method: 'PATCH',
      url,
      as: user,
      headers: { 'if-match': etag },
      payload: { displayName: 'First' },
    });
    const newEtag = String(first.headers.etag);
    assert.notEqual(newEtag, etag, 'the ETag follows the representation');
    const stale = await call(t, {
      method: 'PATCH',
      url,
      as: user,
      headers: { 'if-match': etag },
      payload: { displayName: 'Second' },
    });
    errorOf(stale, 409, 'CONFLICT');
    assert.equal(stale.headers.etag, newEtag, 'the 409 names the current version');
    errorOf(
      await call(t, { method: 'DELETE', url, as: user, headers: { 'if-match': etag } }),
      409,
      'CONFLICT',
    );
    assert.equal(dataOf<User>(await call(t, { url, as: user })).displayName, 'First');
    dataOf(
      await call(t, {
        method: 'PUT',
        url,
        as: user,
        headers: { 'if-match': `"other", ${newEtag}` },
        payload: { displayName: 'Third', avatarUrl: null },
      }),
    );
    errorOf(
      await call(t, { method: 'PATCH', url, as: user, headers: { 'if-match': 'not-a-tag' }, payload: {} }),
      400,
      'INVALID_INPUT',
    );
    dataOf(await call(t, { method: 'PATCH', url, as: user, headers: { 'if-match': '*' }, payload: {} }));
  });
  test('two writers holding the same ETag at once: exactly one succeeds, the other gets 409', async () => {
    const user = await createSession(t);
    const url = `/api/users/${user.user.id}`;
    const etag = String((await call(t, { url, as: user })).headers.etag);
    const answers = await Promise.all(
      ['One', 'Two', 'Three'].map((displayName) =>
        call(t, { method: 'PATCH', url, as: user, headers: { 'if-match': etag }, payload: { displayName } }),
      ),
    );
    assert.deepEqual(answers.map((answer) => answer.statusCode).sort(), [200, 409, 409]);
  });
});

describe('DELETE, restore and includeDeleted', () => {
  test('soft delete: 204, then 404 everywhere and gone from lists; sessions revoked', async () => {
    const user = await createSession(t, { email: 'leaving@example.com' });
    const url = `/api/users/${user.user.id}`;
    const response = await call(t, { method: 'DELETE', url, as: user });
    assert.equal(response.statusCode, 204);
    assert.equal(response.body, '');
    errorOf(await call(t, { url, as: alice }), 404, 'NOT_FOUND');
    errorOf(await call(t, { method: 'PATCH', url, as: admin, payload: {} }), 404, 'NOT_FOUND');
    errorOf(await call(t, { method: 'DELETE', url, as: admin }), 404, 'NOT_FOUND');
    errorOf(await call(t, { url: `${url}/posts`, as: alice }), 404, 'NOT_FOUND');
    const listed = dataOf<Page<User>>(await list('?search=leaving'));
    assert.equal(listed.pagination.totalItems, 0);
    const row = await t.database.db
      .selectFrom('users')
      .select('deleted_at')
      .where('id', '=', user.user.id)
      .executeTakeFirstOrThrow();
    assert.ok(row.deleted_at instanceof Date, 'the row is kept, marked deleted');
    const live = await t.database.db
      .selectFrom('refresh_tokens')
      .select('id')
      .where('user_id', '=', user.user.id)
      .where('revoked_at', 'is', null)
      .execute();
    assert.deepEqual(live, [], 'every session of a deleted user is revoked');
  });

  test('includeDeleted=true: 403 for users, the deleted too for admins', async () => {
    const user = await createSession(t, { email: 'ghost@example.com' });
    await call(t, { method: 'DELETE', url: `/api/users/${user.user.id}`, as: admin });
    errorOf(await list('?includeDeleted=true'), 403, 'INSUFFICIENT_PERMISSIONS');
    const withDeleted = dataOf<Page<User>>(await list('?search=ghost&includeDeleted=true', admin));
    assert.deepEqual(
      withDeleted.items.map((item) => item.id),
      [user.user.id],
    );
    const without = dataOf<Page<User>>(await list('?search=ghost&includeDeleted=false', admin));
    assert.equal(without.pagination.totalItems, 0);
  });

  test('restore: admin only; the user is back in lists and the live total', async () => {
    const user = await createSession(t, { email: 'phoenix@example.com' });
    const url = `/api/users/${user.user.id}`;
    const before = dataOf<Page<User>>(await list('?pageSize=1')).pagination.totalItems;
    await call(t, { method: 'DELETE', url, as: admin });
    assert.equal(dataOf<Page<User>>(await list('?pageSize=1')).pagination.totalItems, Number(before) - 1);
    errorOf(
      await call(t, { method: 'POST', url: `${url}/restore`, as: alice }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    const restored = await call(t, { method: 'POST', url: `${url}/restore`, as: admin });
    assert.equal(dataOf<User>(restored).id, user.user.id);
    assert.ok(restored.headers.etag);
    assert.equal(dataOf<Page<User>>(await list('?pageSize=1')).pagination.totalItems, before);
    dataOf(await call(t, { url, as: alice }));
    assert.equal(
      dataOf<User>(await call(t, { method: 'POST', url: `${url}/restore`, as: admin })).id,
      user.user.id,
    );
    errorOf(
      await call(t, {
        method: 'POST',
        url: '/api/users/7f1b1f36-2a0c-4f7d-9a55-0c1a8a0d7e11/restore',
        as: admin,
      }),
      404,
      'NOT_FOUND',
    );
  });

  test("a deleted user's e-mail can sign up again; restoring the old one is then 409 ALREADY_EXISTS", async () => {
    const old = await createSession(t, { email: 'reuse@example.com' });
    await call(t, { method: 'DELETE', url: `/api/users/${old.user.id}`, as: old });
    const again = await call(t, {
      method: 'POST',
      url: '/api/users',
      payload: { email: 'Reuse@Example.com', password: 'a-long-password', displayName: 'Second life' },
    });
    const created = dataOf<User>(again, 201);
    assert.equal(created.email, 'reuse@example.com');
    assert.notEqual(created.id, old.user.id);
    const conflict = errorOf(
      await call(t, { method: 'POST', url: `/api/users/${old.user.id}/restore`, as: admin }),
      409,
      'ALREADY_EXISTS',
    );
    assert.deepEqual(conflict, { email: ['Already exists'] });
  });
});

describe('activate and deactivate', () => {
  test('admin only; deactivation revokes every session; both are idempotent', async () => {
    const user = await createSession(t);
    const url = `/api/users/${user.user.id}`;
    errorOf(
      await call(t, { method: 'POST', url: `${url}/deactivate`, as: alice }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    const off = await call(t, { method: 'POST', url: `${url}/deactivate`, as: admin });
    assert.equal(dataOf<User>(off).isActive, false);
    assert.ok(off.headers.etag);
    const live = await t.database.db
      .selectFrom('refresh_tokens')
      .select('id')
      .where('user_id', '=', user.user.id)
      .where('revoked_at', 'is', null)
      .execute();
    assert.deepEqual(live, []);
    assert.equal(
      dataOf<User>(await call(t, { method: 'POST', url: `${url}/deactivate`, as: admin })).isActive,
      false,
    );
    const on = dataOf<User>(await call(t, { method: 'POST', url: `${url}/activate`, as: admin }));
    assert.equal(on.isActive, true);
    errorOf(
      await call(t, {
        method: 'POST',
        url: `${url}/activate`,
        as: admin,
        headers: { 'if-match': '"stale"' },
      }),
      409,
      'CONFLICT',
    );
    errorOf(
      await call(t, {
        method: 'POST',
        url: '/api/users/7f1b1f36-2a0c-4f7d-9a55-0c1a8a0d7e11/activate',
        as: admin,
      }),
      404,
      'NOT_FOUND',
    );
  });
});
