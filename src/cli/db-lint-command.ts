import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, type DatabaseConfig, loadDatabaseConfig } from '../config.ts';
import { connectDatabase } from '../db/connect.ts';
import { type Catalog, readCatalog } from '../db/lint/catalog.ts';
import {
  assertKnownRules,
  DEFAULT_CONFIG_FILE,
  LintConfigError,
  type LoadedLintConfig,
  loadLintConfig,
} from '../db/lint/config.ts';
import { lintCatalog, UNUSED_EXCEPTION } from '../db/lint/lint.ts';
import { formatJson, formatText, reportFails } from '../db/lint/report.ts';
import { builtinRules } from '../db/lint/rules/index.ts';

/** The oldest PostgreSQL whose catalog the rules are written for. */
const MIN_SERVER_VERSION = 140000;

const USAGE = `Usage: tenet db lint [--url postgres://…] [--config FILE] [--json] [--strict]

Checks a PostgreSQL database (>= 14) against the protocol's conventions by reading its catalog.
  --url URL      the database to check (default: the project's DATABASE_URL, or ./.tenet/pgdata)
  --config FILE  exceptions, internal tables, custom rules (default: ./${DEFAULT_CONFIG_FILE} if present)
  --json         print the report as JSON
  --strict       warnings fail the run too
Exit status: 0 clean, 1 findings that fail the run, 2 usage, configuration or connection error.`;

/** Where `tenet db lint` writes. */
export interface DbLintOutput {
  out(text: string): void;
  error(text: string): void;
}

class UsageError extends Error {}

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: false,
      strict: true,
      options: {
        url: { type: 'string' },
        config: { type: 'string' },
        json: { type: 'boolean', default: false },
        strict: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function chooseDatabase(
  url: string | undefined,
  environment: Readonly<Record<string, string | undefined>>,
  cwd: string,
): DatabaseConfig {
  if (url !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(url))
      throw new UsageError('--url must be a postgres:// or postgresql:// URL');
    return { kind: 'postgres', url, poolSize: 1 };
  }
  const database = loadDatabaseConfig(environment, { cwd });
  if (database.kind === 'memory') {
    throw new UsageError(
      'DATABASE_URL=memory:// is a new, empty database each time: pass --url postgres://…',
    );
  }
  // Opening a missing folder would create an empty database there instead of reading one.
  if (database.kind === 'pglite' && !existsSync(database.dataDir)) {
    throw new UsageError(
      `No embedded database at ${database.dataDir}: run "tenet migrate up" first, or pass --url`,
    );
  }
  return database;
}

async function readDatabase(database: DatabaseConfig, schemas: readonly string[]): Promise<Catalog> {
  const handle = await connectDatabase(database);
  try {
    return await handle.withSession((session) => readCatalog(session, schemas));
  } finally {
    await handle.close();
  }
}

/** `tenet db lint`: reads a database's catalog and reports every breach of the conventions. */
export async function dbLintCommand(
  args: readonly string[],
  environment: Readonly<Record<string, string | undefined>>,
  output: DbLintOutput,
  cwd: string = process.cwd(),
): Promise<number> {
  let values: ReturnType<typeof parse>;
  let database: DatabaseConfig;
  let loaded: LoadedLintConfig;
  try {
    values = parse(args);
    if (values.help) {
      output.out(USAGE);
      return 0;
    }
    database = chooseDatabase(values.url, environment, cwd);
    const defaultFile = resolve(cwd, DEFAULT_CONFIG_FILE);
    const file =
      values.config !== undefined
        ? resolve(cwd, values.config)
        : existsSync(defaultFile)
          ? defaultFile
          : undefined;
    loaded = await loadLintConfig(file);
  } catch (error) {
    if (error instanceof UsageError) {
      output.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof LintConfigError || error instanceof ConfigError) {
      output.error(error.message);
      return 2;
    }
    throw error;
  }

  const rules = [...builtinRules, ...loaded.customRules].filter((rule) => !loaded.disabled.has(rule.id));
  try {
    assertKnownRules(loaded, new Set([...builtinRules, ...loaded.customRules].map((rule) => rule.id)));
    if (rules.some((rule) => rule.id === UNUSED_EXCEPTION)) {
      throw new LintConfigError(`"${UNUSED_EXCEPTION}" is reserved; give the custom rule another id`);
    }
  } catch (error) {
    output.error(error instanceof Error ? error.message : String(error));
    return 2;
  }

  let catalog: Catalog;
  try {
    catalog = await readDatabase(database, loaded.config.schemas);
  } catch (error) {
    output.error(`Cannot read the database: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  if (catalog.serverVersion < MIN_SERVER_VERSION) {
    output.error(`PostgreSQL ${catalog.serverVersion} is older than 14, which tenet db lint needs`);
    return 2;
  }

  let report: ReturnType<typeof lintCatalog>;
  try {
    report = lintCatalog(catalog, rules, loaded.config);
  } catch (error) {
    output.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  output.out(values.json ? formatJson(report, values.strict) : formatText(report));
  return reportFails(report, values.strict) ? 1 : 0;
}
