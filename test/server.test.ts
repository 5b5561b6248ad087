import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { z } from 'zod';
import { startServer } from '../src/app/server.ts';
import { V8_BOUNDS } from '../src/cli/runtime-tuning.ts';
import { initialClusterFile, migratedClusterFile } from '../src/db/initial-cluster.ts';
import { loadMigrations, migrationStatus } from '../src/db/migrate.ts';
import { defineModule } from '../src/kit/index.ts';
import { defineRoute } from '../src/protocol/contract.ts';
import { freePort, runCli, startCli, stopProcess } from './cli-process.ts';
import { projects } from './fixtures/projects/project-resource.ts';
import { createTestDatabase, temporaryDirectory, testConfig } from './helpers.ts';

describe('tenet start', () => {
  test('serves health on the embedded database with no set-up, keeps data across a restart, exits 0 on SIGTERM', async () => {
    const dir = temporaryDirectory();
    try {
      const port = await freePort();
      const first = await startCli(dir.path, port);
      const response = await fetch(`http://127.0.0.1:${port}/api/health`);
      assert.equal(response.status, 200);
      const body = (await response.json()) as { success: boolean; data: unknown };
      assert.deepEqual(body.data, { status: 'ok', database: 'up' });
      // The same process (it re-executed itself in place) runs with the memory bounds.
      if (process.platform === 'linux') {
        const argv = readFileSync(`/proc/${first.child.pid}/cmdline`, 'utf8').split('\0');
        for (const { flag } of V8_BOUNDS) assert.ok(argv.includes(flag), argv.join(' '));
        assert.match(readFileSync(`/proc/${first.child.pid}/environ`, 'utf8'), /(^|\0)MALLOC_ARENA_MAX=2\0/);
      }
      assert.equal(await stopProcess(first.child), 0, first.output());
      assert.match(first.output(), /shutting down/);

      // Secrets generated for development are private to the owner.
      assert.equal(statSync(join(dir.path, '.tenet', 'secrets.json')).mode & 0o777, 0o600);
      // Once built, a first start unpacks the build's cluster (a 0700 folder) instead of running initdb.
      if (existsSync(initialClusterFile())) {
        assert.equal(statSync(join(dir.path, '.tenet', 'pgdata')).mode & 0o777, 0o700);
        // The build also made the cluster with tenet's migrations applied, under the name that
        // `tenet start` looks up for the migrations it runs (so a first start skips running them).
        assert.ok(existsSync(migratedClusterFile(loadMigrations())), 'the migrated cluster was built');
      }

      // Write a row behind the server's back, then restart it on the same folder.
      const pglite = await PGlite.create(join(dir.path, '.tenet', 'pgdata'), { extensions: { uuid_ossp } });
      await pglite.query(
        `insert into users (email, password_hash, display_name) values ('kept@example.com', 'x', 'Kept')`,
      );
      await pglite.close();

      const second = await startCli(dir.path, port);
      assert.equal((await fetch(`http://127.0.0.1:${port}/api/health`)).status, 200);
      assert.equal(await stopProcess(second.child), 0, second.output());

      const reopened = await PGlite.create(join(dir.path, '.tenet', 'pgdata'), { extensions: { uuid_ossp } });
      const rows = await reopened.query<{ email: string }>('select email from users');
      const migrations = await reopened.query<{ count: number }>(
        'select count(*)::int as count from tenet_migrations',
      );
      await reopened.close();
      assert.deepEqual(
        rows.rows.map((row) => row.email),
        ['kept@example.com'],
      );
      assert.equal(migrations.rows[0]?.count, loadMigrations().length, 'the restart applied nothing twice');
    } finally {
      dir.remove();
    }
  });

  test('an invalid configuration refuses to start and names the variable', async () => {
    const dir = temporaryDirectory();
    try {
      // No variables at all: production requires them (runCli's defaults are overridden).
      const { code, stderr } = await runCli(dir.path, ['start'], {
        env: { NODE_ENV: 'production', LOG_LEVEL: 'info' },
      });
      assert.equal(code, 1);
      assert.match(stderr, /DATABASE_URL is required in production/);
      assert.match(stderr, /JWT_SECRET is required in production/);
      assert.match(stderr, /CSRF_SECRET is required in production/);
    } finally {
      dir.remove();
    }
  });
});

describe('graceful shutdown', () => {
  test('stop() lets an in-flight request finish, then refuses new connections', async () => {
    const testDatabase = await createTestDatabase();
    const slow = defineRoute({
      method: 'GET',
      path: '/api/test/slow',
      summary: 'slow',
      tags: ['test'],
      access: 'public',
      responses: { 200: z.object({ done: z.boolean() }) },
      errors: [],
    });
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => {
      started = resolve;
    });
    const server = await startServer(testConfig(testDatabase.config, { PORT: '0' }), {
      modules: [
        defineModule({
          routes: { slow },
          implement: () => ({
            slow: async () => {
              started();
              await new Promise((resolve) => setTimeout(resolve, 300));
              return { status: 200, data: { done: true } };
            },
          }),
        }),
      ],
    });
    try {
      const pending = fetch(`${server.url}/api/test/slow`);
      await inFlight;
      const stopped = server.stop();
      const response = await pending;
      assert.equal(response.status, 200);
      assert.deepEqual(((await response.json()) as { data: unknown }).data, { done: true });
      await stopped;
      await assert.rejects(fetch(`${server.url}/api/health`));
    } finally {
      await server.stop();
      await testDatabase.drop();
    }
  });
});

describe("a team's own server", () => {
  test("startServer applies the migration folders given after tenet's and serves their modules", async () => {
    const testDatabase = await createTestDatabase();
    const port = await freePort();
    // The server's own origin (PUBLIC_URL's default on a loopback HOST): writes must come from it.
    const origin = `http://127.0.0.1:${port}`;
    const server = await startServer(testConfig(testDatabase.config, { PORT: String(port) }), {
      modules: [projects],
      migrations: [join(import.meta.dirname, 'fixtures/projects/migrations')],
    });
    try {
      const signUp = await fetch(`${server.url}/api/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({
          email: 'team@example.com',
          password: 'correct horse battery',
          displayName: 'Team',
        }),
      });
      assert.equal(signUp.status, 201, await signUp.text());
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ email: 'team@example.com', password: 'correct horse battery' }),
      });
      assert.equal(login.status, 200, await login.text());
      const cookies = login.headers.getSetCookie().map((line) => line.split(';')[0]);
      const cookie = cookies.join('; ');
      const csrf = cookies.find((item) => item?.startsWith('csrf_token='))?.slice('csrf_token='.length) ?? '';
      const created = await fetch(`${server.url}/api/projects`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          cookie,
          'x-csrf-token': csrf,
          origin,
        },
        body: JSON.stringify({ name: 'Apollo', description: null }),
      });
      assert.equal(created.status, 201, await created.clone().text());
      const listed = await fetch(`${server.url}/api/projects`, { headers: { cookie } });
      const page = (await listed.json()) as { data: { items: { name: string }[] } };
      assert.deepEqual(
        page.data.items.map((item) => item.name),
        ['Apollo'],
      );
      const status = await migrationStatus(server.database, [
        ...loadMigrations(),
        ...loadMigrations(join(import.meta.dirname, 'fixtures/projects/migrations')),
      ]);
      assert.ok(
        status.every((state) => state.appliedAt !== null),
        'every migration applied',
      );
    } finally {
      await server.stop();
      await testDatabase.drop();
    }
  });
});
