import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Catalog, CatalogTable } from './catalog.ts';
import { LintConfigError, parseLintConfig } from './config.ts';
import { lintCatalog } from './lint.ts';
import { followsNamePattern, isPlural, singularOf, toSnakeCase } from './naming.ts';
import { foreignKeyIndex } from './rules/foreign-key-index.ts';
import { sensitiveColumn } from './rules/sensitive-column.ts';

const { config } = parseLintConfig({ plurals: { cactus: 'cacti' } });

function table(partial: Partial<CatalogTable> & { name: string }): CatalogTable {
  return {
    qualifiedName: partial.name,
    schema: 'public',
    columns: [],
    indexes: [],
    constraints: [],
    triggers: [],
    ...partial,
  };
}

function catalog(...tables: CatalogTable[]): Catalog {
  return { serverVersion: 170000, extensions: [], hasGenRandomUuid: true, tables };
}

test('plurals: last word, irregulars, uncountables and configured words', () => {
  for (const name of ['users', 'refresh_tokens', 'people', 'categories', 'news', 'cacti']) {
    assert.equal(isPlural(name, config), true, name);
  }
  for (const name of ['user', 'refresh_token', 'person', 'cactus'])
    assert.equal(isPlural(name, config), false, name);
  assert.equal(singularOf('audit_logs', config), 'audit_log');
  assert.equal(singularOf('cacti', config), 'cactus');
  assert.equal(toSnakeCase('BlogPosts'), 'blog_posts');
  assert.equal(toSnakeCase('displayName'), 'display_name');
});

test('names: one column exactly, several by their first column, truncation at 63 bytes', () => {
  assert.equal(followsNamePattern('posts_user_id_idx', 'posts', ['user_id'], 'idx'), true);
  assert.equal(followsNamePattern('posts_user_idx', 'posts', ['user_id'], 'idx'), false);
  assert.equal(
    followsNamePattern(
      'row_counts_table_name_scope_slot_unique',
      'row_counts',
      ['table_name', 'scope_column', 'slot'],
      'unique',
    ),
    true,
  );
  const long = 'a'.repeat(40);
  assert.equal(
    followsNamePattern(`${long}_${'b'.repeat(30)}`.slice(0, 63), long, ['b'.repeat(30)], 'idx'),
    true,
  );
});

test('rules are pure functions over a hand-made catalog', () => {
  const books = table({
    name: 'books',
    columns: [
      {
        name: 'api_token',
        type: 'text',
        baseType: 'text',
        notNull: false,
        default: null,
        identity: null,
        serialSequence: null,
      },
    ],
    constraints: [
      {
        name: 'books_author_id_fkey',
        kind: 'foreign key',
        columns: ['author_id'],
        definition: '',
        references: { table: 'authors', columns: ['id'] },
      },
    ],
    indexes: [
      {
        name: 'books_author_id_idx',
        columns: ['author_id'],
        unique: false,
        primary: false,
        predicate: '(deleted_at IS NULL)',
        constraint: null,
        definition: '',
      },
    ],
  });
  assert.deepEqual(
    foreignKeyIndex.check(catalog(books), config).map((finding) => finding.column),
    ['author_id'],
  );
  assert.deepEqual(
    sensitiveColumn.check(catalog(books), config).map((finding) => finding.column),
    ['api_token'],
  );
  const report = lintCatalog(
    catalog(books),
    [sensitiveColumn],
    parseLintConfig({
      exceptions: [
        { rule: 'sensitive-column', table: 'books', column: 'api_token', reason: 'a public token id' },
      ],
    }).config,
  );
  assert.deepEqual(report.findings, []);
  assert.equal(report.suppressed[0]?.reason, 'a public token id');
});

test('a configuration entry without a reason, or with an unknown key, is refused', () => {
  assert.throws(
    () => parseLintConfig({ internalTables: [{ table: 'audit_logs', reason: ' ' }] }),
    LintConfigError,
  );
  assert.throws(() => parseLintConfig({ internalTable: [] }), /Unrecognized key/);
});
