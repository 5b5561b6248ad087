import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateTypesFor } from '../src/cli/db-types-command.ts';
import { run } from '../src/cli/main.ts';
import { connectDatabase } from '../src/db/connect.ts';
import { loadMigrations, migrateUp } from '../src/db/migrate.ts';
import { generateDatabaseTypes } from '../src/db/types-generator.ts';
import { createTestDatabase, engine } from './helpers.ts';

const root = join(import.meta.dirname, '..');
const projectsMigrations = join(import.meta.dirname, 'fixtures/projects/migrations');

test('src/db/schema.ts is what `tenet db types` generates from the migrations (regenerate it if not)', async () => {
  const expected = await generateTypesFor([]);
  assert.equal(
    readFileSync(join(root, 'src/db/schema.ts'), 'utf8'),
    expected,
    'run: node bin/tenet.js db types --out src/db/schema.ts',
  );
});

test("the projects example's types are current too", async () => {
  const expected = await generateTypesFor([projectsMigrations]);
  assert.equal(
    readFileSync(join(import.meta.dirname, 'fixtures/projects/database.ts'), 'utf8'),
    expected,
    'run: node bin/tenet.js db types --migrations test/fixtures/projects/migrations --out test/fixtures/projects/database.ts',
  );
  assert.match(
    expected,
    /export interface ProjectsTable \{\n {2}id: Generated<string>;\n {2}user_id: string;/,
  );
  assert.match(expected, /role: Generated<'user' \| 'admin'>;/);
  const tasksMigrations = join(import.meta.dirname, 'fixtures/tasks/migrations');
  assert.equal(
    readFileSync(join(import.meta.dirname, 'fixtures/tasks/database.ts'), 'utf8'),
    await generateTypesFor([projectsMigrations, tasksMigrations]),
    'the tasks example: node bin/tenet.js db types --migrations test/fixtures/projects/migrations --migrations test/fixtures/tasks/migrations --out test/fixtures/tasks/database.ts',
  );
});

test(`the generator reads the same types from ${engine}`, async () => {
  const testDatabase = await createTestDatabase();
  const database = await connectDatabase(testDatabase.config);
  try {
    await migrateUp(database, [...loadMigrations(), ...loadMigrations(projectsMigrations)]);
    assert.equal(await generateDatabaseTypes(database), await generateTypesFor([projectsMigrations]));
  } finally {
    await database.close();
    await testDatabase.drop();
  }
});

test('`tenet db types` prints the types; a bad option exits 2', async () => {
  const out: string[] = [];
  const error: string[] = [];
  const output = { out: (text: string) => out.push(text), error: (text: string) => error.push(text) };
  assert.equal(await run(['db', 'types'], {}, output), 0);
  assert.match(out.join('\n'), /export interface Database \{/);
  assert.equal(await run(['db', 'types', '--nope'], {}, output), 2);
  assert.match(error.join('\n'), /--nope/);
});
