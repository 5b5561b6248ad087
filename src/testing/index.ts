import { tmpdir } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app/app.ts';
import { type Config, type DatabaseConfig, loadConfig } from '../config.ts';
import { connectDatabase, type DatabaseHandle } from '../db/connect.ts';
import { loadAppMigrations, migrateUp } from '../db/migrate.ts';
import type { AnyAppModule } from '../kit/module.ts';
import { auditResponses } from './response-audit.ts';

export { auditResponses } from './response-audit.ts';

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

/** An app built for a test on its own migrated database. */
export interface TestApp {
  app: FastifyInstance;
  database: DatabaseHandle;
  config: Config;
  /** Closes the app and the database, then fails if any response broke the protocol's representation rules. */
  close(): Promise<void>;
}

/** Options for {@link buildTestApp}. */
export interface TestAppOptions {
  /** The database to run on. @default in-memory PGlite */
  database?: DatabaseConfig;
  /** Environment variables over the test defaults (fixed secrets, silent logs). */
  environment?: Record<string, string>;
  /** The app's own resources and routes, served beside tenet's. */
  modules?: readonly AnyAppModule[];
  /** Folders of the app's own SQL migrations, applied after tenet's, in order. */
  migrations?: readonly string[];
  /** Runs after everything is closed (drops a database made for the test). */
  onClose?: () => Promise<void>;
}

/**
 * Builds the app on a fresh migrated database, for `app.inject()`; `close()` releases everything.
 * Every response body is audited: no snake_case key, no secret, every timestamp ISO 8601 UTC with ms.
 */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const databaseConfig = options.database ?? { kind: 'memory' };
  const config = testConfig(databaseConfig, options.environment);
  const database = await connectDatabase(databaseConfig);
  try {
    await migrateUp(database, loadAppMigrations(options.migrations));
  } catch (error) {
    await database.close();
    throw error;
  }
  const app = await buildApp(config, { database, modules: options.modules });
  const audit = auditResponses(app);
  await app.ready();
  return {
    app,
    database,
    config,
    async close() {
      await app.close();
      await database.close();
      await options.onClose?.();
      audit.assertClean();
    },
  };
}
