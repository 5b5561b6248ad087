import { parseArgs } from 'node:util';
import { startServer, stopOnSignals } from '../app/server.ts';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { connectDatabase } from '../db/connect.ts';
import { loadAppMigrations, migrateDown, migrateUp, migrationStatus } from '../db/migrate.ts';
import type { Project } from '../kit/project.ts';
import { startBanner } from './banner.ts';
import { dbLintCommand } from './db-lint-command.ts';
import { dbTypesCommand } from './db-types-command.ts';
import { openapiCommand } from './openapi-command.ts';
import { loadProject, ProjectError } from './project.ts';
import { seedCommand } from './seed-command.ts';
import { usersCommand } from './users-command.ts';

const USAGE = `Usage: tenet <command>

Commands:
  init [DIR] [--tenet SPEC]
                         write a new project on tenet (a resource, its migration, a test)
  start                  apply pending migrations and serve the API (PORT, HOST)
  migrate up             apply every pending migration
  migrate down [--steps N]
                         revert the last N applied migrations (default 1)
  migrate status         list migrations and whether each is applied
  openapi                print the OpenAPI 3.1 document of the API (JSON)
  check <base-url> [--email E --password P | --sign-up] [--json] [--only area,...]
                         probe a running API (tenet or not) for breaches of the protocol
  db lint [--url URL] [--config FILE] [--json] [--strict]
                         check a PostgreSQL schema against the protocol's conventions
  db types [--migrations DIR]... [--out FILE]
                         generate the Kysely database types from the migrations
  users create --email E [--display-name N] [--admin]
                         create a user; the password is asked for (or read from stdin)
  users set-password --email E
                         set a user's password (read the same way); signs them out everywhere
  seed [--users N] [--posts M]
                         fill the database with fake users and posts (never in production)
  help                   show this text (and --help on any command)

Configuration comes from the environment; see the README.`;

/** Where the CLI writes; injectable so tests can read what it says. */
export interface CliOutput {
  out(text: string): void;
  error(text: string): void;
}

const consoleOutput: CliOutput = {
  out: (text) => process.stdout.write(`${text}\n`),
  error: (text) => process.stderr.write(`${text}\n`),
};

const COMMANDS = new Set(['init', 'start', 'migrate', 'openapi', 'db', 'users', 'seed', 'check', 'help']);

/** The entries of the usage text about one command (an entry's continuation lines included). */
function commandHelp(command: string): string {
  const entries: string[][] = [];
  for (const line of USAGE.split('\n')) {
    if (/^ {2}\S/.test(line)) entries.push([line]);
    else if (/^ {3,}\S/.test(line)) entries.at(-1)?.push(line);
  }
  const own = entries.filter((entry) => entry[0]?.trim().split(/\s+/)[0] === command);
  return `Usage:\n${own.flat().join('\n')}\n\nConfiguration comes from the environment; see the README.`;
}

async function migrate(
  config: Config,
  args: string[],
  output: CliOutput,
  project: Project | undefined,
): Promise<number> {
  let parsed: { positionals: string[]; values: { steps: string } };
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { steps: { type: 'string', default: '1' } },
    });
  } catch (error) {
    output.error(`tenet migrate: ${(error as Error).message}\n\n${commandHelp('migrate')}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const action = positionals[0] ?? 'up';
  const steps = Number(values.steps);
  if (!['up', 'down', 'status'].includes(action) || positionals.length > 1) {
    output.error(`tenet migrate: unknown action "${positionals.join(' ')}"\n\n${commandHelp('migrate')}`);
    return 2;
  }
  if (!Number.isInteger(steps) || steps < 1) {
    output.error(`tenet migrate: --steps must be a whole number >= 1, not "${values.steps}"`);
    return 2;
  }
  const migrations = loadAppMigrations(project?.migrations);
  const database = await connectDatabase(config.database);
  try {
    if (action === 'up') {
      const applied = await migrateUp(database, migrations);
      output.out(
        applied.length === 0 ? 'Nothing to apply.' : applied.map((name) => `applied ${name}`).join('\n'),
      );
    } else if (action === 'down') {
      const reverted = await migrateDown(database, steps, migrations);
      output.out(
        reverted.length === 0 ? 'Nothing to revert.' : reverted.map((name) => `reverted ${name}`).join('\n'),
      );
    } else {
      let drifted = 0;
      for (const state of await migrationStatus(database, migrations)) {
        const when = state.appliedAt ? `applied ${state.appliedAt.toISOString()}` : 'pending';
        const note = state.unknown ? ' (no such file)' : state.changed ? ' (file changed since applied)' : '';
        if (state.unknown || state.changed) drifted += 1;
        output.out(`${state.name}  ${when}${note}`);
      }
      // The database no longer matches the files: a script or CI step must not read this as healthy.
      if (drifted > 0) {
        output.error(
          `${drifted} applied migration(s) were edited or are missing; restore the file and add a new migration instead`,
        );
        return 1;
      }
    }
    return 0;
  } finally {
    await database.close();
  }
}

/**
 * Runs a `tenet` command. Returns the exit code, or `undefined` for `start`, which keeps running
 * until a signal stops it.
 */
export async function run(
  argv: readonly string[],
  environment: Readonly<Record<string, string | undefined>>,
  output: CliOutput = consoleOutput,
): Promise<number | undefined> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    output.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (!COMMANDS.has(command)) {
    output.error(`tenet: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    output.out(commandHelp(command));
    return 0;
  }
  if (command === 'start' && rest.length > 0) {
    output.error(`tenet start: unknown argument "${rest[0]}"\n\n${commandHelp('start')}`);
    return 2;
  }
  // Writes files only: no configuration, no database.
  if (command === 'init') return (await import('./init-command.ts')).initCommand(rest, output, environment);
  // A tenet.config in the current folder names the app that start, migrate, openapi and db types serve.
  let project: Project | undefined;
  if (['start', 'migrate', 'openapi'].includes(command) || (command === 'db' && rest[0] === 'types')) {
    try {
      project = await loadProject(process.cwd());
    } catch (error) {
      if (!(error instanceof ProjectError)) throw error;
      output.error(error.message);
      return 1;
    }
  }
  // Needs no configuration: loading it would create ./.tenet secrets just to print a document.
  if (command === 'openapi') return openapiCommand(rest, output, project?.modules);
  // A client of another server: it reads no configuration of this one. Loaded on demand, so the
  // schema validator it brings never slows `tenet start`.
  if (command === 'check') return (await import('./check-command.ts')).checkCommand(rest, output);
  // Reads any database's catalog: it needs no secrets, so none are generated in ./.tenet for it.
  if (command === 'db' && rest[0] === 'lint') return dbLintCommand(rest.slice(1), environment, output);
  // Runs on its own in-memory database: the types come from the migrations, not from a live schema.
  if (command === 'db' && rest[0] === 'types')
    return dbTypesCommand(rest.slice(1), output, project?.migrations);
  let config: Config;
  try {
    config = loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) {
      output.error(error.message);
      return 1;
    }
    throw error;
  }
  switch (command) {
    case 'start': {
      const server = await startServer(config, {
        modules: project?.modules ?? [],
        migrations: project?.migrations ?? [],
      });
      output.error(startBanner(config, server.url));
      stopOnSignals(server);
      return undefined;
    }
    case 'migrate':
      return migrate(config, rest, output, project);
    case 'seed':
      return seedCommand(config, rest, { out: output.out, error: output.error, progress: process.stderr });
    case 'users':
      return usersCommand(config, rest, { stdin: process.stdin, out: output.out, error: output.error });
    default:
      output.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}
