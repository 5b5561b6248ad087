import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connectDatabase, type DatabaseHandle } from '../src/db/connect.ts';
import { type Catalog, readCatalog } from '../src/db/lint/catalog.ts';
import { loadLintConfig } from '../src/db/lint/config.ts';
import { lintCatalog } from '../src/db/lint/lint.ts';
import { builtinRules } from '../src/db/lint/rules/index.ts';
import { migrateUp } from '../src/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from './helpers.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'db-lint');

let testDatabase: TestDatabase;
let database: DatabaseHandle;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await connectDatabase(testDatabase.config);
});
after(async () => {
  await database.close();
  await testDatabase.drop();
});

/**
 * Reads the catalog after `setUp` ran on an emptied public schema: one database for the whole file
 * (a fresh PGlite per fixture costs seconds), each fixture on a schema of its own all the same.
 */
async function catalogOf(setUp: (run: (script: string) => Promise<void>) => Promise<void>): Promise<Catalog> {
  const run = (script: string) => database.withSession((session) => session.exec(script));
  await run('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  await setUp(run);
  return database.withSession((session) => readCatalog(session, ['public']));
}

function fixtureCatalog(...names: string[]): Promise<Catalog> {
  return catalogOf(async (run) => {
    await run(readFileSync(join(FIXTURES, '_prelude.sql'), 'utf8'));
    for (const name of names) await run(readFileSync(join(FIXTURES, `${name}.sql`), 'utf8'));
  });
}

/** Each finding as [rule, table, where]: what a reader of the report sees first. */
function summary(
  findings: readonly { rule: string; table: string; column?: string; index?: string; constraint?: string }[],
) {
  return findings.map((finding) => [
    finding.rule,
    finding.table,
    finding.column ?? finding.index ?? finding.constraint ?? null,
  ]);
}

async function lintFixture(name: string, configFile?: string) {
  const loaded = await loadLintConfig(configFile);
  return lintCatalog(await fixtureCatalog(name), [...builtinRules, ...loaded.customRules], loaded.config);
}

describe('tenet db lint on bad schemas', () => {
  test('a schema that follows every convention has no findings', async () => {
    const report = await lintFixture('clean');
    assert.deepEqual(report.findings, []);
    assert.deepEqual(report.tables, ['addresses', 'people']);
  });

  test('names: tables, columns, booleans, checks, indexes, unique indexes', async () => {
    const report = await lintFixture('naming');
    assert.deepEqual(summary(report.findings), [
      ['table-name', 'BlogPosts', null],
      ['table-name', 'category', null],
      ['column-name', 'category', 'displayName'],
      ['index-name', 'category', 'by_name'],
      ['unique-name', 'category', 'category_name'],
      ['check-name', 'category', 'displayName'],
      ['boolean-name', 'category', 'active'],
    ]);
    const byRule = new Map(report.findings.map((finding) => [finding.rule + finding.table, finding]));
    assert.equal(
      byRule.get('table-namecategory')?.message,
      'table "category" is singular; table names are plural',
    );
    assert.match(byRule.get('table-namecategory')?.fix ?? '', /^ALTER TABLE category RENAME TO categories;/);
    assert.match(
      byRule.get('table-nameBlogPosts')?.fix ?? '',
      /^ALTER TABLE "BlogPosts" RENAME TO blog_posts;/,
    );
    assert.equal(
      byRule.get('column-namecategory')?.fix,
      'ALTER TABLE category RENAME COLUMN "displayName" TO display_name;',
    );
    assert.equal(
      byRule.get('boolean-namecategory')?.fix,
      'ALTER TABLE category RENAME COLUMN active TO is_active;',
    );
  });

  test('foreign keys: *_id columns referencing id, named after their table, indexed', async () => {
    const report = await lintFixture('foreign-keys');
    assert.deepEqual(summary(report.findings), [
      ['foreign-key-target', 'books', 'author_code'],
      ['foreign-key-target', 'books', 'author'],
      ['foreign-key-name', 'books', 'writer_id'],
      ['foreign-key-index', 'books', 'author'],
    ]);
    assert.deepEqual(
      report.findings.map((finding) => finding.severity),
      ['error', 'error', 'warning', 'error'],
    );
    assert.equal(report.findings[3]?.fix, 'CREATE INDEX books_author_idx ON books (author);');
  });

  test('primary keys: uuid id on public tables, identity only on internal ones, never serial', async () => {
    const report = await lintFixture('keys');
    assert.deepEqual(summary(report.findings), [
      ['primary-key', 'events', 'id'],
      ['primary-key', 'notes', 'note_id'],
      ['primary-key', 'orders', 'id'],
      ['primary-key', 'tags', null],
      ['identity-over-serial', 'orders', 'id'],
      ['uuid-default', 'notes', 'note_id'],
    ]);
    assert.equal(
      report.findings[0]?.message.startsWith('primary key "id" is bigint; public tables use uuid'),
      true,
    );
    assert.equal(report.findings[2]?.message.startsWith('primary key "id" is integer'), true);
  });

  test('timestamps: timestamptz NOT NULL DEFAULT now(), and a BEFORE UPDATE trigger that sets updated_at', async () => {
    const report = await lintFixture('timestamps');
    assert.deepEqual(summary(report.findings), [
      ['timestamp-columns', 'logins', 'updated_at'],
      ['timestamp-columns', 'sessions', 'created_at'],
      ['timestamp-columns', 'sessions', 'updated_at'],
      ['updated-at-trigger', 'pings', 'updated_at'],
      ['updated-at-trigger', 'sessions', 'updated_at'],
      ['updated-at-trigger', 'visits', 'updated_at'],
      ['timestamp-time-zone', 'sessions', 'expires_at'],
      ['timestamp-time-zone', 'sessions', 'created_at'],
    ]);
    const messages = report.findings.map((finding) => finding.message);
    assert.deepEqual(messages.slice(0, 3), [
      'table has no updated_at column',
      'created_at is timestamp without time zone, not timestamptz',
      'updated_at is nullable, has no default',
    ]);
    assert.equal(messages[6], 'column "expires_at" is timestamp(3) without time zone');
  });

  test('soft delete: unique rules only among live rows, and a partial index for the default scope', async () => {
    const report = await lintFixture('soft-delete');
    assert.deepEqual(summary(report.findings), [
      ['soft-delete-unique', 'accounts', 'accounts_email_unique'],
      ['soft-delete-unique', 'accounts', 'accounts_handle_unique'],
      ['soft-delete-scope-index', 'accounts', 'deleted_at'],
    ]);
    assert.equal(
      report.findings[1]?.fix,
      'DROP INDEX "accounts_handle_unique"; CREATE UNIQUE INDEX accounts_handle_unique ON accounts (handle) WHERE deleted_at IS NULL;',
    );
  });

  test('sensitive columns are flagged unless they hold a hash', async () => {
    const report = await lintFixture('sensitive');
    assert.deepEqual(summary(report.findings), [
      ['sensitive-column', 'api_clients', 'password'],
      ['sensitive-column', 'api_clients', 'client_secret'],
      ['sensitive-column', 'api_clients', 'reset_token'],
      ['sensitive-column', 'api_clients', 'api_key'],
    ]);
  });

  test('a configuration adds a team rule, names internal tables, and allows breaches with a reason', async () => {
    const configFile = join(FIXTURES, 'custom.lint.json');
    const loaded = await loadLintConfig(configFile);
    const catalog = await fixtureCatalog('json-columns', 'keys', 'sensitive');
    const report = lintCatalog(catalog, [...builtinRules, ...loaded.customRules], loaded.config);
    assert.deepEqual(summary(report.findings), [
      ['primary-key', 'notes', 'note_id'],
      ['primary-key', 'orders', 'id'],
      ['primary-key', 'tags', null],
      ['identity-over-serial', 'orders', 'id'],
      ['uuid-default', 'notes', 'note_id'],
      ['sensitive-column', 'api_clients', 'password'],
      ['sensitive-column', 'api_clients', 'client_secret'],
      ['sensitive-column', 'api_clients', 'reset_token'],
      ['jsonb-over-json', 'settings', 'preferences'],
      ['unused-exception', 'accounts', 'verified'],
    ]);
    assert.deepEqual(
      report.suppressed.map((finding) => [finding.rule, finding.column, finding.reason]),
      [['sensitive-column', 'api_key', 'a public key id, not a secret']],
    );
  });
});

describe("tenet's own schema", () => {
  test('an empty database has nothing to report', async () => {
    const report = lintCatalog(
      await catalogOf(async () => {}),
      builtinRules,
      (await loadLintConfig(undefined)).config,
    );
    assert.deepEqual(report.findings, []);
    assert.deepEqual(report.tables, []);
  });

  test('the migrated schema lints clean with tenet.lint.json', async () => {
    const tenetCatalog = await migratedCatalog();
    const loaded = await loadLintConfig(resolve(import.meta.dirname, '..', 'tenet.lint.json'));
    const report = lintCatalog(tenetCatalog, builtinRules, loaded.config);
    assert.deepEqual(report.findings, []);
    for (const name of ['audit_logs', 'posts', 'refresh_tokens', 'row_counts', 'users']) {
      assert.ok(report.tables.includes(name), name);
    }
    assert.equal(report.tables.includes('tenet_migrations'), false);
  });

  test('without the configuration, only the breaches it puts on record are found', async () => {
    const tenetCatalog = await migratedCatalog();
    const loaded = await loadLintConfig(resolve(import.meta.dirname, '..', 'tenet.lint.json'));
    const bare = lintCatalog(tenetCatalog, builtinRules, (await loadLintConfig(undefined)).config);
    const configured = lintCatalog(tenetCatalog, builtinRules, loaded.config);
    const recorded = (finding: { rule: string; table: string }) =>
      (finding.rule === 'primary-key' && loaded.config.internalTables.has(finding.table)) ||
      configured.suppressed.some(
        (allowed) => allowed.rule === finding.rule && allowed.table === finding.table,
      );
    assert.deepEqual(
      bare.findings.filter((finding) => !recorded(finding)),
      [],
    );
    const found = summary(bare.findings);
    for (const expected of [
      ['foreign-key-name', 'refresh_tokens', 'successor_id'],
      ['primary-key', 'audit_logs', 'id'],
      ['primary-key', 'row_counts', 'id'],
    ]) {
      assert.ok(
        found.some((item) => JSON.stringify(item) === JSON.stringify(expected)),
        expected.join(' '),
      );
    }
  });
});

function migratedCatalog(): Promise<Catalog> {
  return catalogOf(async () => {
    await migrateUp(database);
  });
}
