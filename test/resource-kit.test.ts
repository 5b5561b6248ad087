import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { defineUserResource } from '../src/app/users/user-resource.ts';
import {
  createResourceRepository,
  DEFERRED_JOIN_MIN_OFFSET,
  defineModule,
  defineResourceStorage,
  implementResource,
} from '../src/kit/index.ts';
import { isoTimestampSchema } from '../src/protocol/envelope.ts';
import { uuidSchema } from '../src/protocol/ids.ts';
import { defineResourceRoutes } from '../src/protocol/resource-routes.ts';
import { call, dataOf, errorOf, offsetFacts, type Page, walkPages } from './api-requests.ts';
import { buildTestApp, type TestApp } from './helpers.ts';
import { createSession, type TestSession } from './sessions.ts';

// A team's own resource, exactly as docs/adding-a-resource.md describes it: a migration in the
// spec's conventions, and one declaration (the contract half, then the storage half).

const NOTES_MIGRATION = `
CREATE TABLE notes (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title VARCHAR(100) NOT NULL,
  priority SMALLINT NOT NULL DEFAULT 0,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  deleted_at TIMESTAMPTZ,
  CONSTRAINT notes_priority_range CHECK (priority BETWEEN 0 AND 9)
);
CREATE INDEX notes_user_id_idx ON notes (user_id);
CREATE UNIQUE INDEX notes_title_unique ON notes (title) WHERE deleted_at IS NULL;
CREATE INDEX notes_created_at_id_idx ON notes (created_at, id) WHERE deleted_at IS NULL;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION update_updated_at();
SELECT attach_live_row_counts('notes');
`;

const noteSchema = z.object({
  id: uuidSchema,
  userId: uuidSchema,
  title: z.string(),
  priority: z.number().int(),
  createdAt: isoTimestampSchema,
  updatedAt: isoTimestampSchema,
});
type Note = z.infer<typeof noteSchema>;

const noteFieldsSchema = z.strictObject({
  title: z.string().trim().min(1).max(100),
  priority: z.number().int().min(0).max(9),
});

const noteRoutes = defineResourceRoutes({
  name: 'note',
  tag: 'notes',
  collectionPath: '/api/notes',
  itemPath: '/api/notes/:id',
  itemParams: z.object({ id: uuidSchema }),
  item: noteSchema,
  create: noteFieldsSchema,
  fields: noteFieldsSchema,
  sortable: ['createdAt', 'title', 'priority'],
  search: 'the title',
  access: { read: 'user', create: 'user', write: 'user', restore: 'admin' },
  owner: 'the owner or an admin',
});

interface NoteRecord {
  id: string;
  user_id: string;
  title: string;
  priority: number;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  /** A column the representation must never show. */
  secret_flag?: boolean;
}

const notes = defineResourceStorage({
  routes: noteRoutes,
  table: 'notes',
  toApi: (record: NoteRecord) => ({
    id: record.id,
    userId: record.user_id,
    title: record.title,
    priority: record.priority,
    createdAt: record.created_at.toISOString(),
    updatedAt: record.updated_at.toISOString(),
  }),
  sortColumns: { createdAt: 'created_at', title: 'title', priority: 'priority' },
  fieldColumns: { title: 'title', priority: 'priority' },
  searchColumns: ['title'],
  ownerColumn: 'user_id',
  countedRows: true,
});

// The two-part form: routes declared as data, implemented by the kit from the storage declaration.
const notesModule = defineModule({
  routes: {
    listNotes: noteRoutes.list,
    createNote: noteRoutes.create,
    getNote: noteRoutes.get,
    updateNote: noteRoutes.update,
    replaceNote: noteRoutes.replace,
    deleteNote: noteRoutes.remove,
    restoreNote: noteRoutes.restore,
  },
  implement: ({ database }) => {
    const kit = implementResource(database, notes);
    return {
      listNotes: kit.list,
      createNote: kit.create,
      getNote: kit.get,
      updateNote: kit.update,
      replaceNote: kit.replace,
      deleteNote: kit.remove,
      restoreNote: kit.restore,
    };
  },
});

let t: TestApp;
let owner: TestSession;
let other: TestSession;
let admin: TestSession;

before(async () => {
  t = await buildTestApp({ modules: [notesModule] });
  await t.database.withSession((session) => session.exec(NOTES_MIGRATION));
  await t.database.withSession((session) =>
    session.exec('ALTER TABLE notes ADD COLUMN secret_flag BOOLEAN DEFAULT TRUE'),
  );
  owner = await createSession(t);
  other = await createSession(t);
  admin = await createSession(t, { role: 'admin' });
});
after(async () => {
  await t.close();
});

async function createNote(title: string, priority = 0, as = owner): Promise<Note> {
  return dataOf<Note>(
    await call(t, { method: 'POST', url: '/api/notes', as, payload: { title, priority } }),
    201,
  );
}

describe('a toy resource declared on the kit', () => {
  test('representation: exactly the declared camelCase fields, owner set from the caller', async () => {
    const response = await call(t, {
      method: 'POST',
      url: '/api/notes',
      as: owner,
      payload: { title: 'First', priority: 3 },
    });
    const note = dataOf<Note>(response, 201);
    assert.deepEqual(Object.keys(note).sort(), [
      'createdAt',
      'id',
      'priority',
      'title',
      'updatedAt',
      'userId',
    ]);
    assert.equal(note.userId, owner.user.id);
    assert.equal(response.headers.location, `/api/notes/${note.id}`);
    assert.ok(response.headers.etag);
    errorOf(
      await call(t, {
        method: 'POST',
        url: '/api/notes',
        as: owner,
        payload: { title: 'x', priority: 1, user_id: other.user.id },
      }),
      400,
      'VALIDATION_ERROR',
    );
    assert.deepEqual(
      errorOf(
        await call(t, {
          method: 'POST',
          url: '/api/notes',
          as: owner,
          payload: { title: 'First', priority: 1 },
        }),
        409,
        'ALREADY_EXISTS',
      ),
      { title: ['Already exists'] },
    );
  });

  test('pagination: exact totals from the counters, the spec math, page past the end', async () => {
    for (let index = 0; index < 11; index += 1)
      await createNote(`Page ${String(index).padStart(2, '0')}`, index % 10);
    const total = 12;
    const counted = await t.database.db
      .selectFrom('row_counts')
      .select((eb) => eb.fn.sum<string>('live_rows').as('total'))
      .where('table_name', '=', 'notes')
      .executeTakeFirstOrThrow();
    assert.equal(Number(counted.total), total, 'the triggers keep the count');
    const last = dataOf<Page<Note>>(await call(t, { url: '/api/notes?page=3&pageSize=5', as: other }));
    assert.equal(last.items.length, 2);
    assert.deepEqual(offsetFacts(last), {
      page: 3,
      pageSize: 5,
      totalItems: total,
      totalPages: 3,
      hasNextPage: false,
      hasPreviousPage: true,
    });
    const past = dataOf<Page<Note>>(await call(t, { url: '/api/notes?page=4&pageSize=5', as: other }));
    assert.deepEqual(past.items, []);
    assert.equal(new Set(await walkPages(t, other, '/api/notes', 2)).size, total);
    errorOf(await call(t, { url: '/api/notes?pageSize=101', as: other }), 400, 'VALIDATION_ERROR');
  });

  test('sort allow-list: declared fields sort; anything else is 400', async () => {
    const byPriority = dataOf<Page<Note>>(
      await call(t, { url: '/api/notes?sortBy=priority&sortOrder=desc&pageSize=3', as: other }),
    );
    assert.deepEqual(
      byPriority.items.map((note) => note.priority),
      [9, 8, 7],
    );
    const byTitle = dataOf<Page<Note>>(
      await call(t, { url: '/api/notes?sortBy=title&sortOrder=asc&pageSize=1', as: other }),
    );
    assert.equal(byTitle.items[0]?.title, 'First');
    for (const sortBy of ['userId', 'user_id', 'secret_flag', '__proto__', 'hasOwnProperty']) {
      assert.deepEqual(
        Object.keys(
          errorOf(await call(t, { url: `/api/notes?sortBy=${sortBy}`, as: other }), 400, 'VALIDATION_ERROR'),
        ),
        ['sortBy'],
      );
    }
    const found = dataOf<Page<Note>>(await call(t, { url: '/api/notes?search=page%200', as: other }));
    assert.equal(found.pagination.totalItems, 10, 'Page 00 to Page 09');
  });

  test('owner rule, ETag and If-Match on writes', async () => {
    const note = await createNote('Owned', 1);
    const url = `/api/notes/${note.id}`;
    errorOf(
      await call(t, { method: 'PATCH', url, as: other, payload: { priority: 2 } }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    const etag = String((await call(t, { url, as: other })).headers.etag);
    const changed = await call(t, {
      method: 'PATCH',
      url,
      as: owner,
      headers: { 'if-match': etag },
      payload: { priority: 2 },
    });
    assert.equal(dataOf<Note>(changed).priority, 2);
    assert.notEqual(changed.headers.etag, etag);
    errorOf(
      await call(t, {
        method: 'PUT',
        url,
        as: admin,
        headers: { 'if-match': etag },
        payload: { title: 'Owned', priority: 5 },
      }),
      409,
      'CONFLICT',
    );
    assert.deepEqual(
      errorOf(
        await call(t, { method: 'PUT', url, as: owner, payload: { priority: 5 } }),
        400,
        'MISSING_FIELD',
      ),
      { title: ['Required'] },
    );
    assert.equal(
      dataOf<Note>(await call(t, { method: 'PUT', url, as: admin, payload: { title: 'Owned', priority: 5 } }))
        .priority,
      5,
    );
  });

  test('soft delete and restore: 404 after delete, gone from lists and totals, back after restore', async () => {
    const note = await createNote('Ephemeral', 4);
    const url = `/api/notes/${note.id}`;
    const before = dataOf<Page<Note>>(await call(t, { url: '/api/notes?pageSize=1', as: other })).pagination
      .totalItems;
    errorOf(await call(t, { method: 'DELETE', url, as: other }), 403, 'INSUFFICIENT_PERMISSIONS');
    assert.equal((await call(t, { method: 'DELETE', url, as: owner })).statusCode, 204);
    errorOf(await call(t, { url, as: owner }), 404, 'NOT_FOUND');
    const afterDelete = dataOf<Page<Note>>(await call(t, { url: '/api/notes?search=ephemeral', as: other }));
    assert.equal(afterDelete.pagination.totalItems, 0);
    assert.equal(
      dataOf<Page<Note>>(await call(t, { url: '/api/notes?pageSize=1', as: other })).pagination.totalItems,
      Number(before) - 1,
    );
    // The title is free again once its note is deleted (a partial unique index).
    const twin = await createNote('Ephemeral', 0);
    errorOf(await call(t, { method: 'POST', url: `${url}/restore`, as: admin }), 409, 'ALREADY_EXISTS');
    await call(t, { method: 'DELETE', url: `/api/notes/${twin.id}`, as: owner });
    errorOf(
      await call(t, { url: '/api/notes?includeDeleted=true', as: owner }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    assert.equal(
      dataOf<Note>(await call(t, { method: 'POST', url: `${url}/restore`, as: admin })).id,
      note.id,
    );
    assert.equal(
      dataOf<Page<Note>>(await call(t, { url: '/api/notes?pageSize=1', as: other })).pagination.totalItems,
      before,
    );
  });
});

describe('the declaration is checked', () => {
  test('column names must be snake_case identifiers, and createdAt must map to created_at', () => {
    assert.throws(
      () =>
        defineResourceStorage({
          ...notes,
          sortColumns: { ...notes.sortColumns, title: 'title; drop table notes' },
        }),
      /not a snake_case column name/,
    );
    assert.throws(
      () => defineResourceStorage({ ...notes, sortColumns: { ...notes.sortColumns, createdAt: 'title' } }),
      /createdAt to created_at/,
    );
  });
});

describe('declared columns', () => {
  test('every read and write of the kit returns the declared columns and no other', async () => {
    const narrow = defineResourceStorage({
      ...notes,
      selectColumns: ['title', 'priority', 'created_at', 'updated_at'],
    });
    // id, deleted_at and the owner column are always read; secret_flag is not declared.
    const expected = ['created_at', 'deleted_at', 'id', 'priority', 'title', 'updated_at', 'user_id'];
    const keys = (record: object | undefined) => Object.keys(record ?? { missing: true }).sort();
    const repository = createResourceRepository(t.database.db, narrow);
    const inserted = await repository.insert({ title: 'columns-first', user_id: owner.user.id });
    assert.deepEqual(keys(inserted), expected);
    assert.deepEqual(keys(await repository.find(inserted.id)), expected);
    await t.database.withSession((session) =>
      session.query(
        "INSERT INTO notes (user_id, title) SELECT $1, 'columns-' || n FROM generate_series(1, $2::int) AS n",
        [owner.user.id, DEFERRED_JOIN_MIN_OFFSET + 5],
      ),
    );
    const page = (offset: number) =>
      repository.list({
        sortColumn: 'created_at',
        direction: 'desc',
        offset,
        limit: 3,
        search: 'columns-',
        includeDeleted: false,
        parentId: undefined,
      });
    // A first page is read from the table; a deep one by the deferred join: both the same columns.
    for (const offset of [0, DEFERRED_JOIN_MIN_OFFSET]) {
      const { records } = await page(offset);
      assert.equal(records.length, 3, `offset ${offset}`);
      for (const record of records) assert.deepEqual(keys(record), expected, `offset ${offset}`);
    }
    const locked = await repository.withLockedRow(inserted.id, { includeDeleted: false }, async (row) => {
      assert.deepEqual(keys(row.current), expected);
      return row.update({ priority: 3 });
    });
    assert.deepEqual(keys(locked), expected);
    assert.equal(locked?.priority, 3);
  });

  test('the users resource never reads the password hash', async () => {
    const users = createResourceRepository(
      t.database.db,
      defineUserResource(async () => {}),
    );
    const record = await users.find(owner.user.id);
    assert.equal(record?.id, owner.user.id);
    assert.ok(!('password_hash' in record), 'a read of the kit carried the password hash');
    const { records } = await users.list({
      sortColumn: 'created_at',
      direction: 'desc',
      offset: 0,
      limit: 5,
      search: undefined,
      includeDeleted: false,
      parentId: undefined,
    });
    assert.ok(records.length > 0);
    for (const user of records) assert.ok(!('password_hash' in user));
  });

  test('a declared column must be a snake_case identifier', () => {
    assert.throws(
      () => defineResourceStorage({ ...notes, selectColumns: ['title', 'title, password_hash' as 'title'] }),
      /not a snake_case column name/,
    );
  });
});
