import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import pg from 'pg';
import { connectDatabase } from '../src/db/connect.ts';
import { migrateUp } from '../src/db/migrate.ts';
import { BIN, freePort, runCli, startCli, stopProcess } from './cli-process.ts';
import { createTestDatabase, serverUrl, temporaryDirectory } from './helpers.ts';

describe('the tenet CLI behaves like the tools people know', () => {
  const dir = temporaryDirectory();

  for (const command of ['start', 'migrate', 'users', 'seed', 'openapi', 'help']) {
    test(`tenet ${command} --help prints its usage and exits 0`, async () => {
      const result = await runCli(dir.path, [command, '--help']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Usage:/);
      if (command !== 'help') assert.match(result.stdout, new RegExp(`\\n {2}${command}`));
    });
  }

  test('an unknown command names itself and exits 2', async () => {
    const result = await runCli(dir.path, ['frobnicate']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command "frobnicate"/);
  });

  for (const args of [
    ['start', '--port=1'],
    ['migrate', 'up', '--bogus'],
    ['migrate', 'sideways'],
    ['users', 'create', '--email', 'a@example.com', '--bogus'],
    ['seed', '--bogus'],
    ['openapi', '--bogus'],
  ]) {
    test(`tenet ${args.join(' ')}: the unknown part is named, exit 2`, async () => {
      const result = await runCli(dir.path, args);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      const named = args.at(-1)?.replace(/=.*/, '') ?? '';
      assert.ok(result.stderr.includes(named), result.stderr);
    });
  }

  test('tenet openapi | head -1 does not crash (EPIPE)', async () => {
    const child = spawn('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" openapi | head -1`], {
      cwd: dir.path,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const [code] = await once(child, 'exit');
    assert.equal(stdout, '{\n');
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });

  test('migrate status exits 1 when an applied migration was edited or is missing', async () => {
    const folder = temporaryDirectory();
    try {
      assert.equal((await runCli(folder.path, ['migrate', 'up'])).code, 0);
      const clean = await runCli(folder.path, ['migrate', 'status']);
      assert.equal(clean.code, 0, clean.stderr);
      const pglite = await PGlite.create(join(folder.path, '.tenet', 'pgdata'), {
        extensions: { uuid_ossp },
      });
      await pglite.query(`update tenet_migrations set checksum = 'edited' where name = '0001_initial'`);
      await pglite.close();
      const edited = await runCli(folder.path, ['migrate', 'status']);
      assert.equal(edited.code, 1);
      assert.match(edited.stdout, /0001_initial .*file changed since applied/);
      assert.match(edited.stderr, /edited or are missing/);

      const again = await PGlite.create(join(folder.path, '.tenet', 'pgdata'), { extensions: { uuid_ossp } });
      await again.query(`update tenet_migrations set checksum = checksum`);
      await again.query(`insert into tenet_migrations (name, checksum) values ('9999_gone', 'x')`);
      await again.close();
      const missing = await runCli(folder.path, ['migrate', 'status']);
      assert.equal(missing.code, 1);
      assert.match(missing.stdout, /9999_gone .*no such file/);
    } finally {
      folder.remove();
    }
  });

  test('closing the database after migrations leaves no connection open (tenet migrate up lingered 30 s)', async () => {
    const database = await createTestDatabase();
    try {
      const handle = await connectDatabase(database.config);
      await migrateUp(handle);
      await handle.close();
      if (database.config.kind !== 'postgres' || !serverUrl) return;
      const name = new URL(database.config.url).pathname.slice(1);
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      try {
        let open = -1;
        for (let attempt = 0; attempt < 50 && open !== 0; attempt += 1) {
          const result = await admin.query<{ open: number }>(
            'select count(*)::int as open from pg_stat_activity where datname = $1',
            [name],
          );
          open = result.rows[0]?.open ?? -1;
          if (open !== 0) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        assert.equal(open, 0, 'an idle pooled connection was left open');
      } finally {
        await admin.end();
      }
    } finally {
      await database.drop();
    }
  });

  test('tenet start prints one banner: URL, /docs, database, where data and secrets live', async () => {
    const folder = temporaryDirectory();
    const port = await freePort();
    const server = await startCli(folder.path, port);
    try {
      const output = server.output();
      assert.match(output, new RegExp(`http://127\\.0\\.0\\.1:${port}/docs`));
      assert.match(output, /embedded PostgreSQL \(PGlite\) in .*\.tenet\/pgdata/);
      assert.match(output, /development secrets in .*\.tenet\/secrets\.json/);
      // Not a terminal: logs stay JSON, one object per line.
      const logLine = output.split('\n').find((line) => line.includes('Server listening'));
      assert.doesNotThrow(() => JSON.parse(logLine ?? ''));
    } finally {
      await stopProcess(server.child);
      folder.remove();
    }
  });
});
