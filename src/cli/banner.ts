import { join } from 'node:path';
import type { Config } from '../config.ts';

/** The one readable block `tenet start` prints once it listens: where to go, and where things live. */
export function startBanner(config: Config, url: string): string {
  const { database } = config;
  const where =
    database.kind === 'postgres'
      ? `PostgreSQL at ${new URL(database.url).host}${new URL(database.url).pathname}`
      : database.kind === 'memory'
        ? 'in-memory PGlite (nothing is kept after exit)'
        : `embedded PostgreSQL (PGlite) in ${database.dataDir}`;
  const lines = [
    '',
    `  tenet is serving ${url}`,
    `    API reference   ${url}/docs`,
    `    OpenAPI         ${url}/api/openapi.json`,
    `    database        ${where}`,
  ];
  // Only say where the secrets are when they were generated here (development), never their values.
  if (config.env !== 'production') {
    lines.push(
      `    secrets         development secrets in ${join(config.stateDir, 'secrets.json')} (if generated)`,
    );
  }
  lines.push(`    environment     ${config.env}; stop with Ctrl-C`, '');
  return lines.join('\n');
}
