import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { dbLintCommand } from '../src/cli/db-lint-command.ts';
import { connectDatabase } from '../src/db/connect.ts';
import { migrateUp } from '../src/db/migrate.ts';
import { createTestDatabase, serverUrl, type TestDatabase, temporaryDirectory } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'tenet.js');
const FIXTURES = join(import.meta.dirname, 'fixtures', 'db-lint');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The database the command reads: on PostgreSQL a fresh database passed with --url; on PGlite the
 * project's embedded database (./.tenet/pgdata in the working folder), read with no --url at all.
 */
interface Target {
  args: string[];
  cwd: string;
  cleanUp(): Promise<void>;
}

async function makeTarget(scripts: string[], migrate: boolean): Promise<Target> {
  const folder = temporaryDirectory();
  const testDatabase: TestDatabase | undefined = serverUrl ? await createTestDatabase() : undefined;
  const config = testDatabase?.config ?? { kind: 'pglite', dataDir: join(folder.path, '.tenet', 'pgdata') };
  if (config.kind === 'pglite') mkdirSync(join(folder.path, '.tenet'), { recursive: true });
  const database = await connectDatabase(config);
  try {
    if (migrate) await migrateUp(database);
    for (const script of scripts) await database.withSession((session) => session.exec(script));
  } finally {
    await database.close();
  }
  return {
    args: config.kind === 'postgres' ? ['--url', config.url] : [],
    cwd: folder.path,
    async cleanUp() {
      await testDatabase?.drop();
      folder.remove();
    },
  };
}

const execFileAsync = promisify(execFile);

async function tenet(cwd: string, args: string[]): Promise<Outcome> {
  // No DATABASE_URL: --url or the working folder's embedded database says which database is read.
  const { DATABASE_URL: _ignored, ...environment } = process.env;
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [BIN, 'db', 'lint', ...args], {
      cwd,
      env: environment,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The same command in process (`run()` of bin/tenet.js): cheaper than a process per case. */
async function tenetInProcess(cwd: string, args: string[]): Promise<Outcome> {
  const lines = { out: [] as string[], error: [] as string[] };
  const code = await dbLintCommand(
    args,
    {},
    { out: (text) => lines.out.push(text), error: (text) => lines.error.push(text) },
    cwd,
  );
  return { code, stdout: `${lines.out.join('\n')}\n`, stderr: lines.error.join('\n') };
}

const fixture = (name: string) => readFileSync(join(FIXTURES, `${name}.sql`), 'utf8');

describe('tenet db lint (the command)', () => {
  let tenetSchema: Target;
  let badSchema: Target;
  before(async () => {
    tenetSchema = await makeTarget([], true);
    badSchema = await makeTarget(
      [fixture('_prelude'), fixture('soft-delete'), fixture('foreign-keys')],
      false,
    );
  });
  after(async () => {
    await tenetSchema?.cleanUp();
    await badSchema?.cleanUp();
  });

  test("tenet's migrated schema is clean with tenet.lint.json: exit 0, JSON report", async () => {
    const outcome = await tenet(tenetSchema.cwd, [
      ...tenetSchema.args,
      '--json',
      '--config',
      join(ROOT, 'tenet.lint.json'),
    ]);
    assert.equal(outcome.code, 0, outcome.stderr);
    const report = JSON.parse(outcome.stdout);
    assert.equal(report.ok, true);
    assert.equal(report.summary.errors + report.summary.warnings, 0);
    assert.equal(report.summary.rules, 18);
    assert.deepEqual(report.findings, []);
  });

  test('a bad schema exits 1; the JSON lists each finding with its rule, place, message and fix', async () => {
    const outcome = await tenet(badSchema.cwd, [...badSchema.args, '--json']);
    assert.equal(outcome.code, 1, outcome.stderr);
    const report = JSON.parse(outcome.stdout);
    assert.equal(report.ok, false);
    assert.deepEqual(report.summary, { errors: 6, warnings: 1, suppressed: 0, tables: 4, rules: 18 });
    assert.deepEqual(report.findings[0], {
      rule: 'foreign-key-target',
      severity: 'error',
      table: 'books',
      column: 'author_code',
      constraint: 'books_author_code_fkey',
      message: 'foreign key (author_code) references authors(code), not authors(id)',
      fix: 'reference the primary key: ALTER TABLE books ADD FOREIGN KEY (<singular>_id) REFERENCES authors (id);',
    });
  });

  test('the text report groups findings by table, each with its fix, then a summary', async () => {
    const outcome = await tenetInProcess(badSchema.cwd, badSchema.args);
    assert.equal(outcome.code, 1);
    const lines = outcome.stdout.trimEnd().split('\n');
    assert.deepEqual(
      lines.filter((line) => /^\S/.test(line)),
      ['accounts', 'books', '6 errors, 1 warning in 2 tables: 4 tables checked against 18 rules.'],
    );
    assert.match(
      outcome.stdout,
      /^ {2}error {3}soft-delete-scope-index {2}deleted_at: no partial index serves the default scope \(WHERE deleted_at IS NULL\)\n {35}fix: CREATE INDEX accounts_created_at_id_idx/m,
    );
  });

  test('warnings alone pass; --strict makes them fail', async () => {
    const config = join(badSchema.cwd, 'warnings-only.json');
    writeFileSync(
      config,
      JSON.stringify({
        severity: {
          'foreign-key-target': 'off',
          'foreign-key-index': 'warning',
          'soft-delete-unique': 'off',
          'soft-delete-scope-index': 'off',
        },
      }),
    );
    const relaxed = await tenetInProcess(badSchema.cwd, [...badSchema.args, '--config', config]);
    assert.equal(relaxed.code, 0, relaxed.stdout);
    assert.match(relaxed.stdout, /0 errors, 2 warnings in 1 table: 4 tables checked against 15 rules\.$/m);
    const strict = await tenetInProcess(badSchema.cwd, [
      ...badSchema.args,
      '--config',
      config,
      '--strict',
      '--json',
    ]);
    assert.equal(strict.code, 1);
    assert.equal(JSON.parse(strict.stdout).ok, false);
  });

  test('usage and configuration errors exit 2 with a message', async () => {
    const unknownFlag = await tenet(badSchema.cwd, ['--verbose']);
    assert.equal(unknownFlag.code, 2);
    assert.match(unknownFlag.stderr, /Unknown option '--verbose'[\s\S]*Usage: tenet db lint/);

    const notPostgres = await tenet(badSchema.cwd, ['--url', 'mysql://127.0.0.1/app']);
    assert.equal(notPostgres.code, 2);
    assert.match(notPostgres.stderr, /--url must be a postgres:\/\/ or postgresql:\/\/ URL/);

    const noReason = join(badSchema.cwd, 'no-reason.json');
    writeFileSync(noReason, JSON.stringify({ internalTables: [{ table: 'audit_logs' }] }));
    const missingReason = await tenetInProcess(badSchema.cwd, [...badSchema.args, '--config', noReason]);
    assert.equal(missingReason.code, 2);
    assert.match(missingReason.stderr, /internalTables\.0\.reason/);

    const typo = join(badSchema.cwd, 'typo.json');
    writeFileSync(typo, JSON.stringify({ exceptions: [{ rule: 'tabel-name', table: 'x', reason: 'r' }] }));
    const unknownRule = await tenetInProcess(badSchema.cwd, [...badSchema.args, '--config', typo]);
    assert.equal(unknownRule.code, 2);
    assert.match(unknownRule.stderr, /Unknown rule id\(s\) in the configuration: tabel-name/);
  });

  test('with no --url and no embedded database, it says so instead of creating one', async () => {
    const empty = temporaryDirectory();
    try {
      const outcome = await tenetInProcess(empty.path, []);
      assert.equal(outcome.code, 2);
      assert.match(outcome.stderr, /No embedded database at .*\.tenet\/pgdata: run "tenet migrate up" first/);
    } finally {
      empty.remove();
    }
  });
});
