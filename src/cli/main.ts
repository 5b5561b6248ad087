import { parseArgs } from 'node:util';
import { startServer, stopOnSignals } from '../app/server.ts';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { connectDatabase } from '../db/connect.ts';
import { migrateDown, migrateUp, migrationStatus } from '../db/migrate.ts';
import { dbTypesCommand } from './db-types-command.ts';
import { openapiCommand } from './openapi-command.ts';
import { seedCommand } from './seed-command.ts';
import { usersCommand } from './users-command.ts';

const USAGE = `Usage: tenet <command>

Commands:
  start                  apply pending migrations and serve the API (PORT, HOST)
  migrate up             apply every pending migration
  migrate down [--steps N]
                         revert the last N applied migrations (default 1)
  migrate status         list migrations and whether each is applied
  openapi                print the OpenAPI 3.1 document of the API (JSON)
  db types [--migrations DIR]... [--out FILE]
                         generate the Kysely database types from the migrations
  users create --email E [--display-name N] [--admin]
                         create a user; the password is asked for (or read from stdin)
  seed [--users N] [--posts M]
                         fill the database with fake users and posts (never in production)
  help                   show this text

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

async function migrate(config: Config, args: string[], output: CliOutput): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { steps: { type: 'string', default: '1' } },
  });
  const action = positionals[0] ?? 'up';
  const steps = Number(values.steps);
  if (!['up', 'down', 'status'].includes(action) || !Number.isInteger(steps) || steps < 1) {
    output.error(USAGE);
    return 2;
  }
  const database = await connectDatabase(config.database);
  try {
    if (action === 'up') {
      const applied = await migrateUp(database);
      output.out(
        applied.length === 0 ? 'Nothing to apply.' : applied.map((name) => `applied ${name}`).join('\n'),
      );
    } else if (action === 'down') {
      const reverted = await migrateDown(database, steps);
      output.out(
        reverted.length === 0 ? 'Nothing to revert.' : reverted.map((name) => `reverted ${name}`).join('\n'),
      );
    } else {
      for (const state of await migrationStatus(database)) {
        const when = state.appliedAt ? `applied ${state.appliedAt.toISOString()}` : 'pending';
        const note = state.unknown ? ' (no such file)' : state.changed ? ' (file changed since applied)' : '';
        output.out(`${state.name}  ${when}${note}`);
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
  // Needs no configuration: loading it would create ./.tenet secrets just to print a document.
  if (command === 'openapi') return openapiCommand(rest, output);
  // Runs on its own in-memory database: the types come from the migrations, not from a live schema.
  if (command === 'db' && rest[0] === 'types') return dbTypesCommand(rest.slice(1), output);
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
      const server = await startServer(config);
      stopOnSignals(server);
      return undefined;
    }
    case 'migrate':
      return migrate(config, rest, output);
    case 'seed':
      return seedCommand(config, rest, { out: output.out, error: output.error, progress: process.stderr });
    case 'users':
      return usersCommand(config, rest, { stdin: process.stdin, out: output.out, error: output.error });
    default:
      output.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}
