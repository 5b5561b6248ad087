import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { type Config, type DatabaseConfig, loadConfig } from '../src/config.ts';
import { connectDatabase, type DatabaseHandle } from '../src/db/connect.ts';
import { migrateUp } from '../src/db/migrate.ts';
import { buildApp } from '../src/http/app.ts';
import type { RouteImplementation } from '../src/protocol/handler.ts';
import { auditResponses } from './response-audit.ts';

/** The PostgreSQL server the suite runs on, or `undefined` for in-memory PGlite. */
export const serverUrl: string | undefined = process.env.DATABASE_URL?.startsWith('postgres')
  ? process.env.DATABASE_URL
  : undefined;

/** Which engine this run of the suite uses. */
export const engine: 'postgres' | 'pglite' = serverUrl ? 'postgres' : 'pglite';

/** A database made for one test file, and the way to drop it. */
export interface TestDatabase {
  config: DatabaseConfig;
  drop(): Promise<void>;
}

/** Makes a fresh database: a new one on the PostgreSQL server, or a new in-memory PGlite. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!serverUrl) return { config: { kind: 'memory' }, drop: async () => {} };
  const name = `tenet_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    config: { kind: 'postgres', url: url.toString(), poolSize: 10 },
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Returns the URL of a test database as a `DATABASE_URL` value. */
export function databaseUrl(config: DatabaseConfig): string {
  return config.kind === 'postgres' ? config.url : 'memory://';
}

/** A configuration for tests: fixed secrets, silent logs, and any overrides. */
export function testConfig(database: DatabaseConfig, environment: Record<string, string> = {}): Config {
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      JWT_SECRET: 'test-jwt-secret-0123456789abcdefghijklmnop',
      CSRF_SECRET: 'test-csrf-secret-0123456789abcdefghijklmno',
      // Every test signs in from 127.0.0.1; the rate-limit tests set their own limit.
      LOGIN_RATE_LIMIT: '100000',
      // Parallel suites on two cores (and PGlite, which runs in the event loop) delay the loop by
      // seconds; the overload guard is tested on its own with a low threshold.
      MAX_EVENT_LOOP_DELAY: '0',
      ...environment,
    },
    { cwd: tmpdir() },
  );
  return { ...config, database };
}

/** An app built for a test file on its own fresh, migrated database. */
export interface TestApp {
  app: FastifyInstance;
  database: DatabaseHandle;
  config: Config;
  close(): Promise<void>;
}

/** Options for {@link buildTestApp}. */
export interface TestAppOptions {
  environment?: Record<string, string>;
  /** Extra routes, or a function making them from the app's database (a resource on the kit). */
  routes?: readonly RouteImplementation[] | ((database: DatabaseHandle) => readonly RouteImplementation[]);
}

/** Builds the app on a fresh migrated database; `close()` drops everything it made. */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const testDatabase = await createTestDatabase();
  const config = testConfig(testDatabase.config, options.environment);
  const database = await connectDatabase(testDatabase.config);
  await migrateUp(database);
  const routes = typeof options.routes === 'function' ? options.routes(database) : (options.routes ?? []);
  const app = await buildApp(config, { database, routes });
  // Every response body of every test is checked for snake_case, secrets and timestamp formats.
  const audit = auditResponses(app);
  await app.ready();
  return {
    app,
    database,
    config,
    async close() {
      await app.close();
      await database.close();
      await testDatabase.drop();
      audit.assertClean();
    },
  };
}

/** Makes a temporary folder, removed by the returned function. */
export function temporaryDirectory(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'tenet-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
