import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type KyselyPlugin, sql } from 'kysely';
import { postResource } from '../src/app/posts/post-resource.ts';
import {
  createResourceRepository,
  DEFERRED_JOIN_MIN_OFFSET,
  type ListQuery,
} from '../src/kit/resource-repository.ts';
import { buildTestApp, type TestApp } from './helpers.ts';
import { createSession, type TestSession } from './sessions.ts';

let t: TestApp;
let author: TestSession;
const ROWS = DEFERRED_JOIN_MIN_OFFSET * 2 + 37;

/** The repository of posts, and whether its list queries read from the end. */
function observedRepository() {
  const queries: string[] = [];
  const recorder: KyselyPlugin = {
    transformQuery: ({ node }) => {
      queries.push(JSON.stringify(node));
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  const repository = createResourceRepository(
    t.database.db.withPlugin(recorder) as typeof t.database.db,
    postResource as never,
  );
  // Whether a query since the last question read from the end (a page past the end asks a second one).
  const readFromEnd = () => queries.splice(0).some((query) => query.includes('tenet_from_end'));
  return { repository, readFromEnd };
}

function page(offset: number, direction: 'asc' | 'desc', extra: Partial<ListQuery> = {}): ListQuery {
  return {
    sortColumn: 'created_at',
    direction,
    offset,
    limit: 8,
    search: undefined,
    includeDeleted: false,
    parentId: author.user.id,
    ...extra,
  };
}

/** The ids of the author's live posts in one order, as the database sorts them. */
async function expectedIds(direction: 'asc' | 'desc'): Promise<string[]> {
  const rows = await t.database.db
    .selectFrom('posts')
    .select('id')
    .where('user_id', '=', author.user.id)
    .where('deleted_at', 'is', null)
    .orderBy('created_at', direction)
    .orderBy('id', direction)
    .execute();
  return rows.map((row) => row.id);
}

before(async () => {
  t = await buildTestApp();
  author = await createSession(t);
  // Posts in groups that share a created_at: the order within a group is by id alone.
  await sql`
    insert into posts (user_id, title, body, created_at, updated_at)
    select ${author.user.id}, 'deep ' || g, '', timestamptz '2022-01-01' + (g / 7) * interval '1 minute', now()
    from generate_series(1, ${ROWS}::int) as g`.execute(t.database.db);
});

after(async () => {
  await t.close();
});

describe('deep offset pages read from the nearer end', () => {
  test('every page near the end is the same rows, in the same order, as read from the start', async () => {
    for (const direction of ['desc', 'asc'] as const) {
      const { repository, readFromEnd } = observedRepository();
      const expected = await expectedIds(direction);
      // The first page tells the repository the scope's total.
      const first = await repository.list(page(0, direction));
      assert.equal(first.totalItems, ROWS);
      for (let offset = DEFERRED_JOIN_MIN_OFFSET; offset < ROWS + 20; offset += 7) {
        const { records, totalItems } = await repository.list(page(offset, direction));
        assert.deepEqual(
          records.map((record) => record.id),
          expected.slice(offset, offset + 8),
          `${direction} offset ${offset}`,
        );
        assert.equal(totalItems, ROWS);
        // Past half of the rows the page is read backwards from the end; before it, forwards.
        assert.equal(readFromEnd(), offset * 2 + 8 > ROWS, `${direction} offset ${offset}`);
      }
    }
  });

  test('a total that changed since it was seen still gives the exact page', async () => {
    const { repository, readFromEnd } = observedRepository();
    await repository.list(page(0, 'desc'));
    // Another instance deletes 40 rows after this one saw the total: the one it knows is too large.
    await sql`update posts set deleted_at = now() where id in (
      select id from posts where user_id = ${author.user.id} and deleted_at is null order by created_at limit 40)`.execute(
      t.database.db,
    );
    try {
      const expected = await expectedIds('desc');
      const last = await repository.list(page(expected.length - 3, 'desc'));
      assert.ok(readFromEnd());
      assert.deepEqual(
        last.records.map((record) => record.id),
        expected.slice(-3),
      );
      assert.equal(last.totalItems, ROWS - 40);
      // Past the end of the rows that remain: nothing, with the total.
      const past = await repository.list(page(ROWS - 10, 'desc'));
      assert.deepEqual(past.records, []);
      assert.equal(past.totalItems, ROWS - 40);
    } finally {
      await sql`update posts set deleted_at = null where user_id = ${author.user.id}`.execute(t.database.db);
    }
  });

  test('without counters for the scope (a search) or without a total seen, pages are read from the start', async () => {
    const { repository, readFromEnd } = observedRepository();
    const unseen = await repository.list(page(ROWS - 5, 'desc', { count: 'none' }));
    assert.equal(readFromEnd(), false, 'no total seen yet');
    assert.equal(unseen.records.length, 5);
    await repository.list(page(0, 'desc'));
    const searched = await repository.list(page(ROWS - 5, 'desc', { search: 'deep' }));
    assert.equal(readFromEnd(), false, 'a search is not counted');
    assert.equal(searched.records.length, 5);
    // With the total seen, count=none still reads from the end (the counters give the offset).
    const none = await repository.list(page(ROWS - 5, 'desc', { count: 'none' }));
    assert.ok(readFromEnd());
    assert.deepEqual(
      none.records.map((record) => record.id),
      (await expectedIds('desc')).slice(-5),
    );
    assert.equal(none.totalItems, null);
  });

  test('through the API: the last page and a page past the end of a list', async () => {
    const url = `/api/users/${author.user.id}/posts?pageSize=50`;
    const lastPage = Math.ceil(ROWS / 50);
    await t.app.inject({ url, headers: author.headers });
    const last = await t.app.inject({ url: `${url}&page=${lastPage}`, headers: author.headers });
    assert.equal(last.statusCode, 200);
    const body = last.json();
    assert.equal(body.data.items.length, ROWS - (lastPage - 1) * 50);
    assert.equal(body.data.pagination.hasNextPage, false);
    assert.equal(body.data.pagination.hasPreviousPage, true);
    const past = await t.app.inject({ url: `${url}&page=2147483647`, headers: author.headers });
    assert.equal(past.statusCode, 200);
    assert.deepEqual(past.json().data.items, []);
    assert.equal(past.json().data.pagination.totalItems, ROWS);
  });
});
