import { hash } from 'node:crypto';
import { type Compilable, type CompiledQuery, createQueryId } from 'kysely';
import type pg from 'pg';

/**
 * The SQL texts that a PostgreSQL pool runs as named prepared statements: parsed and planned once
 * per connection, then executed by name. Only hot, fixed queries are marked (the kit's single-item
 * read); everything else stays unnamed. Keyed by the text and named by its hash, so one name always
 * means one text, whichever pool or process prepared it first.
 */
const statementNames = new Map<string, string>();

/** Marks `sql` as a statement to prepare once per connection; returns its name. */
export function prepareStatement(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `tenet_${hash('sha256', sql).slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}

/** Stands for a named parameter in a query given to `preparedQuery`, until a call binds it. */
class Parameter {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

/**
 * A query of the app's own, built and compiled once, then run by each call with its parameters bound.
 * `build` names each parameter with `param('name')` where the query takes a value; the query is
 * marked as a prepared statement, so on PostgreSQL each connection parses and plans it once (the
 * way the kit reads a single item). Values written in the query itself (a `limit(10)`) stay as they
 * are. `build` runs once, on the first call: the query's shape is fixed, so one whose conditions
 * depend on the input (optional filters, a search) stays an ordinary query.
 *
 * ```ts
 * const byEmail = preparedQuery((param) =>
 *   db.selectFrom('users').select(['id', 'email']).where('email', '=', param('email')).limit(1));
 * const { rows } = await db.executeQuery(byEmail({ email }));
 * ```
 */
export function preparedQuery<Row>(
  build: (param: (name: string) => never) => Compilable<Row>,
): (values: Readonly<Record<string, unknown>>) => CompiledQuery<Row> {
  let compiled: CompiledQuery<Row> | undefined;
  let names: ReadonlySet<string> = new Set();
  return (values) => {
    if (compiled === undefined) {
      compiled = build((name) => new Parameter(name) as never).compile();
      names = new Set(
        compiled.parameters.flatMap((value) => (value instanceof Parameter ? [value.name] : [])),
      );
      prepareStatement(compiled.sql);
    }
    for (const name of names) {
      if (!Object.hasOwn(values, name)) throw new Error(`preparedQuery: no value for parameter "${name}"`);
    }
    for (const name of Object.keys(values)) {
      if (!names.has(name)) throw new Error(`preparedQuery: the query has no parameter "${name}"`);
    }
    const parameters = compiled.parameters.map((value) =>
      value instanceof Parameter ? values[value.name] : value,
    );
    return { ...compiled, queryId: createQueryId(), parameters };
  };
}

/**
 * SQLSTATEs that say a named statement cannot be kept on this connection, raised before the
 * statement runs (so retrying it unnamed runs it once): 26000 and 42P05 when a transaction pooler
 * (PgBouncer before 1.21) hands each transaction another server connection; 0A000 ("cached plan
 * must not change result type") when a migration changed a prepared query's columns.
 */
const UNPREPARABLE = new Set(['26000', '42P05', '0A000']);

/**
 * SQLSTATEs of a statement re-planned after a migration changed the type of a column it compares
 * with a parameter: the parameter keeps the type it was parsed with, and no operator (42883) or no
 * matching type (42804) is found. A query wrong in itself fails the same way on its first run, so
 * these count as a refusal only for a statement that has run on this connection before.
 */
const STALE_PARAMETER_TYPE = new Set(['42883', '42804']);

/** What the pool reports when it stops preparing statements. */
export interface PreparedStatementsLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

/** Whether a pool still prepares the marked statements; shared by its connections. */
export interface PreparedStatementsState {
  enabled: boolean;
}

type QueryResult = pg.QueryResult<Record<string, unknown>>;
type Query = (text: unknown, values?: unknown, callback?: unknown) => unknown;

/**
 * Makes a new pool connection run the marked statements by name. Any other call (a config object,
 * a callback, an unmarked text) goes to pg unchanged. When the server refuses a named statement,
 * the pool stops preparing, says so once, and runs the query unnamed. (Inside a transaction the
 * refusal has already aborted it, so that one transaction fails as on any error; the next does not.)
 */
export function prepareMarkedStatements(
  client: pg.PoolClient,
  state: PreparedStatementsState,
  logger?: PreparedStatementsLogger,
): void {
  const query = client.query.bind(client) as Query;
  // The marked statements that have run on this connection: parsed rightly against its schema then.
  const ran = new Set<string>();
  const run = (text: unknown, values?: unknown, callback?: unknown): unknown => {
    const name = typeof text === 'string' && state.enabled ? statementNames.get(text) : undefined;
    if (name === undefined || callback !== undefined || !Array.isArray(values)) {
      return query(text, values, callback);
    }
    const named = query({ name, text, values }) as Promise<QueryResult>;
    return named.then(
      (result) => {
        ran.add(name);
        return result;
      },
      (error: unknown) => {
        const code = (error as { code?: unknown }).code;
        const refused =
          typeof code === 'string' &&
          (UNPREPARABLE.has(code) || (STALE_PARAMETER_TYPE.has(code) && ran.has(name)));
        if (!refused) throw error;
        if (state.enabled) {
          state.enabled = false;
          logger?.warn(
            { err: error },
            'the database refused a prepared statement (a transaction pooler, or a changed table); queries now run unprepared',
          );
        }
        return query(text, values);
      },
    );
  };
  (client as unknown as { query: Query }).query = run;
}
