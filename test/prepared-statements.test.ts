import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { DatabaseConfig } from '../src/config.ts';
import { connectDatabase, type DatabaseHandle } from '../src/db/connect.ts';
import { preparedQuery, prepareStatement } from '../src/db/prepared-statements.ts';
import type { Database } from '../src/db/schema.ts';
import { buildTestApp as buildAppOnDatabase } from '../src/testing/index.ts';
import { createTestDatabase, engine, serverUrl } from './helpers.ts';
import { createSession } from './sessions.ts';
import { startPgBouncer } from './support/services.ts';

const skip = engine === 'pglite' && 'PGlite has no named statements to keep; runs on PostgreSQL';

/** The named statements of the one connection a pool of size 1 holds. */
async function preparedNames(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements order by name`.execute(
    db,
  );
  return rows.map((row) => row.name);
}

/** A database with one pooled connection, so every query sees the same session's statements. */
async function withOneConnection(
  options: { preparedStatements?: boolean },
  work: (database: DatabaseHandle, warnings: string[]) => Promise<void>,
): Promise<void> {
  const testDatabase = await createTestDatabase();
  const config = testDatabase.config as DatabaseConfig & { kind: 'postgres' };
  const warnings: string[] = [];
  const database = await connectDatabase(
    { ...config, poolSize: 1, ...options },
    {
      warn: (_details, message) => warnings.push(message),
    },
  );
  try {
    await work(database, warnings);
  } finally {
    await database.close();
    await testDatabase.drop();
  }
}

describe('preparedQuery', () => {
  test('binds named parameters, keeps the values written in the query, refuses a missing or unknown name', async () => {
    const testDatabase = await createTestDatabase();
    const { config } = testDatabase;
    // One connection on PostgreSQL, so the statements listed are those this test prepared.
    const database = await connectDatabase(config.kind === 'postgres' ? { ...config, poolSize: 1 } : config);
    try {
      const { db } = database;
      await sql`create table prepared_people (name text, age int)`.execute(db);
      await sql`insert into prepared_people values ('ada', 36), ('alan', 41), ('grace', 85)`.execute(db);
      const people = db as unknown as Kysely<{ prepared_people: { name: string; age: number } }>;
      const olderThan = preparedQuery((param) =>
        people
          .selectFrom('prepared_people')
          .select('name')
          .where('age', '>', param('age'))
          .where('name', '!=', param('except'))
          .orderBy('age')
          .limit(1),
      );
      const first = await db.executeQuery(olderThan({ age: 30, except: 'ada' }));
      assert.deepEqual(first.rows, [{ name: 'alan' }]);
      const second = await db.executeQuery(olderThan({ age: 50, except: 'nobody' }));
      assert.deepEqual(second.rows, [{ name: 'grace' }]);
      assert.throws(() => olderThan({ age: 30 }), /no value for parameter "except"/);
      assert.throws(() => olderThan({ age: 30, except: 'ada', limit: 2 }), /has no parameter "limit"/);
      if (engine === 'postgres') {
        // The same text every call, so one statement of that name answered both.
        const { rows } = await sql<{
          statement: string;
        }>`select statement from pg_prepared_statements`.execute(db);
        assert.ok(rows.some(({ statement }) => statement.includes('from "prepared_people"')));
      }
    } finally {
      await database.close();
      await testDatabase.drop();
    }
  });
});

describe('prepared statements on PostgreSQL', { skip }, () => {
  test('a marked query is prepared once per connection and run by name; others stay unnamed', async () => {
    await withOneConnection({}, async ({ db }) => {
      const text = 'select $1::int + 1 as answer';
      const name = prepareStatement(text);
      assert.match(name, /^tenet_[0-9a-f]{24}$/);
      assert.equal(prepareStatement(text), name, 'the same text, the same name');
      for (const value of [1, 2, 3]) {
        const { rows } = await db.executeQuery<{ answer: number }>(CompiledQuery.raw(text, [value]));
        assert.deepEqual(rows, [{ answer: value + 1 }]);
      }
      await db.executeQuery(CompiledQuery.raw('select $1::int as unmarked', [1]));
      assert.deepEqual(await preparedNames(db), [name]);
    });
  });

  test('a statement the server no longer has is run unnamed, once said, and preparing stops', async () => {
    await withOneConnection({}, async ({ db }, warnings) => {
      const text = 'select $1::text as echo';
      const name = prepareStatement(text);
      await db.executeQuery(CompiledQuery.raw(text, ['a']));
      assert.deepEqual(await preparedNames(db), [name]);
      // What a transaction pooler does: the next query lands on a server session without it.
      await sql`deallocate all`.execute(db);
      const { rows } = await db.executeQuery<{ echo: string }>(CompiledQuery.raw(text, ['b']));
      assert.deepEqual(rows, [{ echo: 'b' }]);
      await db.executeQuery(CompiledQuery.raw(text, ['c']));
      assert.deepEqual(await preparedNames(db), [], 'nothing is prepared again');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] ?? '', /queries now run unprepared/);
    });
  });

  test('a prepared query whose columns a migration changed is run unnamed, once said', async () => {
    await withOneConnection({}, async ({ db }, warnings) => {
      await sql`create table prepared_probe (id int, value int)`.execute(db);
      await sql`insert into prepared_probe values (1, 7)`.execute(db);
      const text = 'select value from prepared_probe where id = $1';
      prepareStatement(text);
      assert.deepEqual((await db.executeQuery(CompiledQuery.raw(text, [1]))).rows, [{ value: 7 }]);
      // What another instance's migration does while this one runs: the result type changes (0A000).
      await sql`alter table prepared_probe alter column value type text`.execute(db);
      assert.deepEqual((await db.executeQuery(CompiledQuery.raw(text, [1]))).rows, [{ value: '7' }]);
      assert.equal(warnings.length, 1);
    });
  });

  test('a prepared query whose parameter column changed type is run unnamed, once said', async () => {
    await withOneConnection({}, async ({ db }, warnings) => {
      await sql`create table prepared_key_probe (id int, value text)`.execute(db);
      await sql`insert into prepared_key_probe values (1, 'one')`.execute(db);
      const text = 'select value from prepared_key_probe where id = $1';
      prepareStatement(text);
      assert.deepEqual((await db.executeQuery(CompiledQuery.raw(text, [1]))).rows, [{ value: 'one' }]);
      // The statement's $1 was typed int when it was parsed; re-planned against a text column it
      // finds no `text = integer` operator (42883), though the same text unnamed is fine.
      await sql`alter table prepared_key_probe alter column id type text`.execute(db);
      assert.deepEqual((await db.executeQuery(CompiledQuery.raw(text, ['1']))).rows, [{ value: 'one' }]);
      assert.deepEqual((await db.executeQuery(CompiledQuery.raw(text, ['1']))).rows, [{ value: 'one' }]);
      assert.equal(warnings.length, 1);
    });
  });

  test('a marked query that is wrong in itself fails as it is, and preparing goes on', async () => {
    await withOneConnection({}, async ({ db }, warnings) => {
      const wrong = "select $1::int + 'x'::text as nonsense";
      prepareStatement(wrong);
      // Twice: the first failed parse leaves nothing behind that the second would trip over.
      await assert.rejects(db.executeQuery(CompiledQuery.raw(wrong, [1])), { code: '42883' });
      await assert.rejects(db.executeQuery(CompiledQuery.raw(wrong, [2])), { code: '42883' });
      assert.deepEqual(warnings, [], 'an error of the query, not of preparing');
      const right = 'select $1::int - 1 as previous';
      const name = prepareStatement(right);
      assert.deepEqual((await db.executeQuery(CompiledQuery.raw(right, [1]))).rows, [{ previous: 0 }]);
      assert.deepEqual(await preparedNames(db), [name]);
    });
  });

  test('DATABASE_PREPARED_STATEMENTS=false runs marked queries unnamed', async () => {
    await withOneConnection({ preparedStatements: false }, async ({ db }) => {
      const text = 'select $1::int * 2 as doubled';
      prepareStatement(text);
      const { rows } = await db.executeQuery<{ doubled: number }>(CompiledQuery.raw(text, [21]));
      assert.deepEqual(rows, [{ doubled: 42 }]);
      assert.deepEqual(await preparedNames(db), []);
    });
  });

  test('through PgBouncer in transaction mode, every marked query answers rightly; a refusal is said once', async () => {
    const bouncer = await startPgBouncer(serverUrl ?? '');
    const testDatabase = await createTestDatabase();
    const config = testDatabase.config as DatabaseConfig & { kind: 'postgres' };
    const warnings: string[] = [];
    const database = await connectDatabase(
      { ...config, url: bouncer.url(new URL(config.url).pathname.slice(1)), poolSize: 10 },
      { warn: (_details, message) => warnings.push(message) },
    );
    try {
      const text = 'select $1::int + 1 as next';
      prepareStatement(text);
      // Concurrent queries on 10 pooled connections, each transaction on whichever server
      // connection the pooler hands it: a statement parsed on one is looked for on another.
      for (let round = 0; round < 20; round++) {
        const values = Array.from({ length: 30 }, (_, index) => round * 30 + index);
        const answers = await Promise.all(
          values.map((value) => database.db.executeQuery<{ next: number }>(CompiledQuery.raw(text, [value]))),
        );
        assert.deepEqual(
          answers.map(({ rows }) => rows[0]?.next),
          values.map((value) => value + 1),
        );
      }
      assert.ok(warnings.length <= 1, warnings.join('\n'));
    } finally {
      await database.close();
      await testDatabase.drop();
      await bouncer.stop();
    }
  });

  test('the kit reads a single item through a prepared statement', async () => {
    const testDatabase = await createTestDatabase();
    // One connection: the statements it lists are those of every query the app ran.
    const testApp = await buildAppOnDatabase({
      database: { ...(testDatabase.config as DatabaseConfig & { kind: 'postgres' }), poolSize: 1 },
      onClose: () => testDatabase.drop(),
    });
    try {
      const session = await createSession(testApp);
      const response = await testApp.app.inject({
        url: `/api/users/${session.user.id}`,
        headers: session.headers,
      });
      assert.equal(response.statusCode, 200);
      const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(
        testApp.database.db,
      );
      assert.ok(
        rows.some(({ statement }) => /^select .* from "users" where "id" = \$1/.test(statement)),
        `prepared: ${rows.map(({ statement }) => statement).join(' | ')}`,
      );
    } finally {
      await testApp.close();
    }
  });
});
