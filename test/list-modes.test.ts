import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { ListPagination } from '../src/protocol/cursor.ts';
import type { Post } from '../src/protocol/routes/posts.ts';
import { call, dataOf, errorOf, type Page, walkPages } from './api-requests.ts';
import { buildTestApp, type TestApp } from './helpers.ts';
import { createSession, type TestSession } from './sessions.ts';

let t: TestApp;
let writer: TestSession;
let reader: TestSession;
const POSTS = 11;

function postsUrl(query = ''): string {
  return `/api/users/${writer.user.id}/posts${query}`;
}

async function page(query: string): Promise<Page<Post>> {
  return dataOf<Page<Post>>(await call(t, { url: postsUrl(query), as: reader }));
}

/** Follows nextCursor from page 1 to the end, running `between` after each page. */
async function walkCursors(query: string, between: () => Promise<void> = async () => {}): Promise<string[]> {
  const ids: string[] = [];
  let current = await page(query);
  for (;;) {
    ids.push(...current.items.map((post) => post.id));
    await between();
    const next = current.pagination.nextCursor;
    if (next === null) {
      assert.equal(current.pagination.hasNextPage, false);
      return ids;
    }
    current = await page(`${query}&cursor=${encodeURIComponent(next)}`);
    assert.equal(current.pagination.page, null, 'cursor mode has no page number');
  }
}

async function insertPosts(count: number, createdAt: string, prefix: string): Promise<void> {
  await sql`
    insert into posts (id, user_id, title, body, created_at, updated_at)
    select gen_random_uuid(), ${writer.user.id}, ${prefix} || ' ' || g, 'body', ${createdAt}::timestamptz, ${createdAt}::timestamptz
    from generate_series(1, ${count}) as g`.execute(t.database.db);
}

before(async () => {
  t = await buildTestApp();
  writer = await createSession(t);
  reader = await createSession(t);
  // Several posts share one created_at, so the cursor must order by id too.
  await insertPosts(6, '2024-01-01T00:00:00.000Z', 'Same instant');
  await insertPosts(POSTS - 6, '2024-02-01T00:00:00.123Z', 'Later');
});
after(async () => {
  await t.close();
});

describe('cursor mode', () => {
  test('walking by cursor gives the same rows as walking by page, in every sort', async () => {
    for (const sort of ['', '?sortBy=title&sortOrder=asc', '?sortBy=createdAt&sortOrder=asc']) {
      const byPage = await walkPages(t, reader, postsUrl(sort), 3);
      const byCursor = await walkCursors(`${sort || '?'}${sort ? '&' : ''}pageSize=3`);
      assert.deepEqual(byCursor, byPage, sort);
      assert.equal(byCursor.length, POSTS);
    }
  });

  test('stable under inserts: new rows ahead of the cursor neither repeat nor hide rows', async () => {
    const before = await walkCursors('?pageSize=4');
    let inserted = 0;
    const during = await walkCursors('?pageSize=4', async () => {
      // Newer rows land at the head of a newest-first list, where an offset would shift by them.
      inserted += 1;
      await call(t, {
        method: 'POST',
        url: postsUrl(),
        as: writer,
        payload: { title: `Inserted ${inserted}`, body: 'new' },
      });
    });
    assert.deepEqual(during, before);
    assert.equal(new Set(during).size, during.length, 'no row twice');
  });

  test('prevCursor leads back to the page before', async () => {
    const first = await page('?pageSize=3&sortBy=title&sortOrder=asc');
    const second = await page(
      `?pageSize=3&sortBy=title&sortOrder=asc&cursor=${encodeURIComponent(first.pagination.nextCursor ?? '')}`,
    );
    assert.equal(second.pagination.hasPreviousPage, true);
    const back = await page(
      `?pageSize=3&sortBy=title&sortOrder=asc&cursor=${encodeURIComponent(second.pagination.prevCursor ?? '')}`,
    );
    assert.deepEqual(
      back.items.map((post) => post.id),
      first.items.map((post) => post.id),
    );
    assert.equal(back.pagination.hasPreviousPage, false);
    assert.equal(back.pagination.prevCursor, null);
    assert.equal(back.pagination.hasNextPage, true);
  });

  test('a malformed cursor, or one made for another sort, is a 400 naming cursor', async () => {
    for (const cursor of [
      'nonsense',
      Buffer.from('[1,"createdAt"]').toString('base64url'),
      'x'.repeat(2000),
    ]) {
      const details = errorOf(
        await call(t, { url: postsUrl(`?cursor=${cursor}`), as: reader }),
        400,
        'VALIDATION_ERROR',
      );
      assert.ok(details.cursor, cursor);
    }
    // Well-formed, but its value is no timestamp: still the client's error, never a 500.
    const forged = Buffer.from(
      JSON.stringify([1, 'createdAt', 'desc', 'not-a-date', '7f1b1f36-2a0c-4f7d-9a55-0c1a8a0d7e11', 'n']),
    ).toString('base64url');
    const forgedDetails = errorOf(
      await call(t, { url: postsUrl(`?cursor=${forged}`), as: reader }),
      400,
      'VALIDATION_ERROR',
    );
    assert.ok(forgedDetails.cursor);
    const next = (await page('?pageSize=2')).pagination.nextCursor ?? '';
    const details = errorOf(
      await call(t, { url: postsUrl(`?sortBy=title&cursor=${encodeURIComponent(next)}`), as: reader }),
      400,
      'VALIDATION_ERROR',
    );
    assert.match(details.cursor?.[0] ?? '', /sortBy=createdAt/);
  });
});

describe('count modes', () => {
  async function pagination(query: string): Promise<ListPagination> {
    return (await page(query)).pagination;
  }

  test('exact (the default) and estimated on the default scope give the exact total', async () => {
    const total = (await walkPages(t, reader, postsUrl(), 50)).length;
    assert.equal((await pagination('?pageSize=5')).totalItems, total);
    assert.equal((await pagination('?pageSize=5&count=exact')).totalItems, total);
    const estimated = await pagination('?pageSize=5&count=estimated');
    assert.equal(estimated.totalItems, total);
    assert.equal(estimated.totalPages, Math.ceil(total / 5));
  });

  test('none: totalItems and totalPages are null, hasNextPage still right', async () => {
    const first = await pagination('?pageSize=5&count=none');
    assert.equal(first.totalItems, null);
    assert.equal(first.totalPages, null);
    assert.equal(first.hasNextPage, true);
    const total = (await walkPages(t, reader, postsUrl(), 50)).length;
    const last = await pagination(`?pageSize=5&count=none&page=${Math.ceil(total / 5)}`);
    assert.equal(last.hasNextPage, false);
    assert.equal(last.hasPreviousPage, true);
    const cursorPage = await pagination(
      `?pageSize=5&count=none&cursor=${encodeURIComponent(first.nextCursor ?? '')}`,
    );
    assert.equal(cursorPage.totalItems, null);
  });

  test('estimated on a searched scope: a whole-number estimate from the planner', async () => {
    const estimated = await pagination('?search=Later&count=estimated');
    assert.equal(typeof estimated.totalItems, 'number');
    assert.ok(Number.isInteger(estimated.totalItems) && (estimated.totalItems ?? -1) >= 0);
    const exact = await pagination('?search=Later&count=exact');
    assert.equal(exact.totalItems, POSTS - 6);
  });

  test('an unknown count mode is a 400 naming count', async () => {
    const details = errorOf(
      await call(t, { url: postsUrl('?count=most'), as: reader }),
      400,
      'VALIDATION_ERROR',
    );
    assert.ok(details.count);
  });
});
