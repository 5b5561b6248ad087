import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { connectDatabase } from '../db/connect.ts';
import { loadAppMigrations, migrateUp } from '../db/migrate.ts';
import { generateDatabaseTypes } from '../db/types-generator.ts';
import type { CliOutput } from './main.ts';

const USAGE = 'Usage: tenet db types [--migrations DIR]... [--out FILE]';

/**
 * Generates the Kysely types of the schema that tenet's migrations (then each `--migrations`
 * folder's) create, on a fresh in-memory database: the same migrations always give the same file.
 */
export async function generateTypesFor(migrationDirs: readonly string[]): Promise<string> {
  const database = await connectDatabase({ kind: 'memory' });
  try {
    await migrateUp(database, loadAppMigrations(migrationDirs));
    return await generateDatabaseTypes(database);
  } finally {
    await database.close();
  }
}

/** `tenet db types`: prints the database types (or writes them to `--out`). */
export async function dbTypesCommand(
  args: readonly string[],
  output: CliOutput,
  projectMigrations: readonly string[] = [],
): Promise<number> {
  let values: { migrations?: string[]; out?: string };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { migrations: { type: 'string', multiple: true }, out: { type: 'string' } },
    }));
  } catch (error) {
    output.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  // Without --migrations, a tenet.config's folders.
  const text = await generateTypesFor(values.migrations ?? [...projectMigrations]);
  if (values.out) writeFileSync(values.out, text);
  else output.out(text.trimEnd());
  return 0;
}
