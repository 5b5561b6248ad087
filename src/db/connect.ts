import type { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config.ts';
import { acquireEmbeddedLock } from './embedded-lock.ts';
import type { Migration } from './migrate.ts';
import {
  assertChannel,
  listenPostgres,
  type NotificationHandlers,
  type Subscription,
} from './notifications.ts';
import { type PreparedStatementsState, prepareMarkedStatements } from './prepared-statements.ts';
import type { Database } from './schema.ts';

/** One database session that can run multi-statement scripts (migrations) and plain queries. */
export interface SqlSession {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a script of several statements, with no parameters. */
  exec(script: string): Promise<void>;
}

/** An open database: Kysely for queries, plus a session seam for scripts. */
export interface DatabaseHandle {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Kysely<Database>;
  /** Runs `work` on one session held for its whole duration. */
  withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  /** Resolves when the database answers within `timeoutMs`, rejects otherwise. */
  ping(timeoutMs?: number): Promise<void>;
  /** Subscribes to a notification channel (PostgreSQL LISTEN on the direct connection; PGlite's own). */
  listen(channel: string, handlers: NotificationHandlers): Promise<Subscription>;
  close(): Promise<void>;
}

/** What the database layer may report; a structural subset of pino's logger. */
export interface DatabaseLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

/** How a new embedded folder is created. */
export interface ConnectOptions {
  /**
   * The migrations the caller applies first, right after connecting (tenet's own): a new embedded
   * folder then starts from the build's cluster that already has them, when there is one.
   */
  startFrom?: readonly Migration[];
}

/** Connects to the configured database: PGlite (on disk or in memory) or PostgreSQL through a pool. */
export async function connectDatabase(
  config: DatabaseConfig,
  logger?: DatabaseLogger,
  options: ConnectOptions = {},
): Promise<DatabaseHandle> {
  return config.kind === 'postgres'
    ? connectPostgres(config, logger)
    : connectPglite(config.kind === 'memory' ? 'memory://' : config.dataDir, options);
}

async function ping(db: Kysely<Database>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DatabaseTimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    await Promise.race([sql`select 1`.execute(db), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The database did not answer in time. */
export class DatabaseTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(timeoutMs: number) {
    super(`Database did not answer within ${timeoutMs} ms`);
    this.name = 'DatabaseTimeoutError';
  }
}

function connectPostgres(
  { url, poolSize, directUrl, preparedStatements = true }: DatabaseConfig & { kind: 'postgres' },
  logger?: DatabaseLogger,
): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // A lost connection (a database restart) is an 'error' event on the pool for idle clients and on
  // the client itself while a query holds it; with no listener either one is an uncaught exception
  // that kills the process. The failing query still rejects, the pool drops the client and the
  // next query reconnects.
  const onConnectionError = (error: Error) => {
    logger?.warn({ err: error }, 'database connection lost; the pool will reconnect');
  };
  pool.on('error', onConnectionError);
  const prepared: PreparedStatementsState = { enabled: preparedStatements };
  pool.on('connect', (client) => {
    client.on('error', onConnectionError);
    prepareMarkedStatements(client, prepared, logger);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    kind: 'postgres',
    db,
    async withSession(work) {
      const client = await pool.connect();
      try {
        return await work({
          async query(text, params) {
            const result = await client.query(text, params as unknown[] | undefined);
            return result.rows;
          },
          async exec(script) {
            // No parameters: pg uses the simple query protocol, which runs several statements.
            await client.query(script);
          },
        });
      } finally {
        client.release();
      }
    },
    ping: (timeoutMs = 2_000) => ping(db, timeoutMs),
    listen: (channel, handlers) => listenPostgres(directUrl ?? url, channel, handlers, logger),
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      // Kysely ends the pool only if it ran a query itself; sessions (migrations) use the pool
      // directly, and an idle client left open kept `tenet migrate up` alive for 30 s.
      if (!pool.ended) await pool.end();
    },
  };
}

async function connectPglite(dataDir: string, options: ConnectOptions): Promise<DatabaseHandle> {
  // PGlite has one writer: a second process on the same folder would lose or corrupt data.
  const release =
    dataDir === 'memory://' ? () => {} : acquireEmbeddedLock(dataDir, process.argv.slice(2).join(' '));
  let pglite: PGlite;
  try {
    // Loaded here, not at the top: a PostgreSQL deployment never loads the embedded database.
    const { openPglite } = await import('./pglite.ts');
    pglite = await openPglite(dataDir, { migrations: options.startFrom });
  } catch (error) {
    release();
    throw error;
  }
  return pgliteHandle(pglite, release);
}

/** The handle of an open PGlite; `release` runs after it is closed (the folder's lock). */
export function pgliteHandle(pglite: PGlite, release: () => void): DatabaseHandle {
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  let closed = false;
  return {
    kind: 'pglite',
    db,
    async withSession(work) {
      // Holding Kysely's single connection keeps every other query out while the session runs.
      return db.connection().execute(() =>
        work({
          async query(text, params) {
            const result = await pglite.query(text, params as unknown[] | undefined);
            return result.rows as never[];
          },
          async exec(script) {
            await pglite.exec(script);
          },
        }),
      );
    },
    ping: (timeoutMs = 2_000) => ping(db, timeoutMs),
    async listen(channel, handlers) {
      assertChannel(channel);
      // One process holds PGlite: its notifications are delivered in process, after commit.
      const unsubscribe = await pglite.listen(channel, (payload) => handlers.onMessage(payload));
      await handlers.onSubscribed();
      return {
        async close() {
          if (!pglite.closed) await unsubscribe();
        },
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await db.destroy();
        if (!pglite.closed) await pglite.close();
      } finally {
        release();
      }
    },
  };
}
