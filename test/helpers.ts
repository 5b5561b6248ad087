import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseConfig } from '../src/config.ts';
import {
  buildTestApp as buildAppOnDatabase,
  type TestApp,
  type TestAppOptions,
  testConfig,
} from '../src/testing/index.ts';

export { type TestApp, type TestAppOptions, testConfig };

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

/** Makes a temporary folder, removed by the returned function. */
export function temporaryDirectory(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'tenet-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Builds the app on a fresh database of this run's engine (dropped by `close()`). */
export async function buildTestApp(
  options: Omit<TestAppOptions, 'database' | 'onClose'> = {},
): Promise<TestApp> {
  const testDatabase = await createTestDatabase();
  return buildAppOnDatabase({
    ...options,
    database: testDatabase.config,
    onClose: () => testDatabase.drop(),
  });
}
