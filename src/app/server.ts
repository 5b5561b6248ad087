import type { FastifyInstance } from 'fastify';
import { ensureAdmin } from '../auth/admin.ts';
import { PasswordHasher } from '../auth/passwords.ts';
import type { Config } from '../config.ts';
import { connectDatabase, type DatabaseHandle } from '../db/connect.ts';
import { loadAppMigrations, migrateUp } from '../db/migrate.ts';
import { drainRefusedBodies } from '../http/drain.ts';
import { buildApp, type ReferenceAppOptions } from './app.ts';

/** How long in-flight requests may run after a shutdown signal. */
export const SHUTDOWN_GRACE_MS = 10_000;

/** A listening server and the way to stop it. */
export interface RunningServer {
  app: FastifyInstance;
  /** The database the server runs on (closed by `stop()`). */
  database: DatabaseHandle;
  /** The address it listens on, such as `http://127.0.0.1:3000`. */
  url: string;
  /** Stops accepting, waits for in-flight requests (up to the grace period), closes the database. */
  stop(): Promise<void>;
}

/**
 * Ensures the first admin. Instances started at the same moment race to insert it: the loser's
 * duplicate key means another instance created it, so it looks again instead of crashing.
 */
async function bootstrapAdmin(
  database: DatabaseHandle,
  admin: { email: string; password: string },
): Promise<string> {
  const hasher = new PasswordHasher();
  try {
    return await ensureAdmin(database.db, hasher, admin);
  } catch (error) {
    if ((error as { code?: unknown }).code !== '23505') throw error;
    return ensureAdmin(database.db, hasher, admin);
  }
}

/** What a team's server adds to the reference app: its modules, and the migrations their tables need. */
export interface ServerExtensions extends Omit<ReferenceAppOptions, 'database'> {
  /** Folders of the app's own SQL migrations, applied after tenet's, in order (as `buildTestApp`). */
  migrations?: readonly string[];
}

/** Connects the database, applies pending migrations (tenet's, then the app's), builds the app and listens. */
export async function startServer(config: Config, extensions: ServerExtensions = {}): Promise<RunningServer> {
  const { migrations: folders = [], ...appOptions } = extensions;
  const migrations = loadAppMigrations(folders);
  // A new embedded folder can start with these already applied (built by `npm run build`).
  const database = await connectDatabase(config.database, undefined, { startFrom: migrations });
  let adminOutcome: string | undefined;
  try {
    await migrateUp(database, migrations);
    if (config.admin) adminOutcome = await bootstrapAdmin(database, config.admin);
  } catch (error) {
    await database.close();
    throw error;
  }
  let app: FastifyInstance;
  try {
    app = await buildApp(config, { ...appOptions, database });
  } catch (error) {
    await database.close();
    throw error;
  }
  if (adminOutcome && config.admin)
    app.log.info({ email: config.admin.email, outcome: adminOutcome }, 'first admin');
  let stopping: Promise<void> | undefined;
  // While stopping, each answer closes its connection: a keep-alive socket that just finished an
  // in-flight request would otherwise stay open (and the process alive) until the grace period.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (stopping) reply.header('Connection', 'close');
    done(null, payload);
  });
  drainRefusedBodies(app);

  const url = await app.listen({ port: config.port, host: config.host });
  const stop = () => {
    stopping ??= (async () => {
      const timer = setTimeout(() => {
        app.log.warn('in-flight requests still running after the grace period; closing them');
        app.server.closeAllConnections();
      }, SHUTDOWN_GRACE_MS);
      timer.unref();
      try {
        await app.close();
      } finally {
        clearTimeout(timer);
        await database.close();
      }
    })();
    return stopping;
  };
  return { app, database, url, stop };
}

/** Stops the server on SIGTERM and SIGINT, then exits 0 (1 if stopping failed). */
export function stopOnSignals(server: RunningServer): void {
  const onSignal = (signal: NodeJS.Signals) => {
    server.app.log.info({ signal }, 'shutting down');
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
