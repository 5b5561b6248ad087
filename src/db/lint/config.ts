import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { MIGRATIONS_TABLE } from '../migrate.ts';
import type { LintConfig, LintRule } from './types.ts';

const reason = z.string().trim().min(1, 'every entry needs a reason');
const tableEntry = z.strictObject({ table: z.string().min(1), reason });

const fileSchema = z.strictObject({
  $schema: z.string().optional(),
  schemas: z.array(z.string().min(1)).min(1).optional(),
  internalTables: z.array(tableEntry).optional(),
  ignoreTables: z.array(tableEntry).optional(),
  plurals: z.record(z.string().regex(/^[a-z0-9]+$/), z.string().regex(/^[a-z0-9]+$/)).optional(),
  severity: z.record(z.string(), z.enum(['error', 'warning', 'off'])).optional(),
  exceptions: z
    .array(
      z.strictObject({
        rule: z.string().min(1),
        table: z.string().min(1),
        column: z.string().min(1).optional(),
        index: z.string().min(1).optional(),
        constraint: z.string().min(1).optional(),
        reason,
      }),
    )
    .optional(),
  rules: z.array(z.string().min(1)).optional(),
});

/** The configuration file's content, as written (`tenet.lint.json`). */
export type LintConfigFile = z.infer<typeof fileSchema>;

/** A configuration file that cannot be used; the message says where and why. */
export class LintConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LintConfigError';
  }
}

/** The file `tenet db lint` reads when `--config` is not given, if it exists. */
export const DEFAULT_CONFIG_FILE = 'tenet.lint.json';

/** Tables every project has because tenet's runner made them; never checked. */
const BUILTIN_IGNORED: ReadonlyMap<string, string> = new Map([
  [MIGRATIONS_TABLE, "tenet's migration bookkeeping, owned by the runner"],
]);

/** A configuration and the custom rules it names. */
export interface LoadedLintConfig {
  config: LintConfig;
  /** Rule ids turned off with `"severity": { "<id>": "off" }`. */
  disabled: ReadonlySet<string>;
  customRules: LintRule[];
}

/** Parses a configuration file's content (already JSON-decoded) into a {@link LintConfig}. */
export function parseLintConfig(
  content: unknown,
  source = 'configuration',
): Omit<LoadedLintConfig, 'customRules'> & {
  rulePaths: string[];
} {
  const parsed = fileSchema.safeParse(content);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new LintConfigError(`Invalid ${source}:\n${problems.join('\n')}`);
  }
  const file = parsed.data;
  const severities: Record<string, 'error' | 'warning'> = {};
  const disabled = new Set<string>();
  for (const [rule, severity] of Object.entries(file.severity ?? {})) {
    if (severity === 'off') disabled.add(rule);
    else severities[rule] = severity;
  }
  return {
    config: {
      schemas: file.schemas ?? ['public'],
      internalTables: new Map((file.internalTables ?? []).map((entry) => [entry.table, entry.reason])),
      ignoredTables: new Map([
        ...BUILTIN_IGNORED,
        ...(file.ignoreTables ?? []).map((entry): [string, string] => [entry.table, entry.reason]),
      ]),
      plurals: file.plurals ?? {},
      exceptions: file.exceptions ?? [],
      severities,
    },
    disabled,
    rulePaths: file.rules ?? [],
  };
}

function isRule(value: unknown): value is LintRule {
  if (typeof value !== 'object' || value === null) return false;
  const rule = value as Record<string, unknown>;
  return (
    typeof rule.id === 'string' &&
    /^[a-z0-9]+(-[a-z0-9]+)*$/.test(rule.id) &&
    typeof rule.description === 'string' &&
    (rule.severity === 'error' || rule.severity === 'warning') &&
    typeof rule.check === 'function'
  );
}

/** Imports a team's rule module: its default export is one rule or an array of rules. */
async function importRules(path: string): Promise<LintRule[]> {
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (error) {
    throw new LintConfigError(`Cannot load rule ${path}: ${error instanceof Error ? error.message : error}`);
  }
  const exported = Array.isArray(module.default) ? module.default : [module.default];
  if (exported.length === 0 || !exported.every(isRule)) {
    throw new LintConfigError(
      `Rule ${path} must export default { id, description, severity: 'error' | 'warning', check(catalog, config) } (or an array of them)`,
    );
  }
  return exported;
}

/** Reads a configuration file and imports the rules it names (paths relative to the file). */
export async function loadLintConfig(file: string | undefined): Promise<LoadedLintConfig> {
  if (file === undefined) return { ...parseLintConfig({}), customRules: [] };
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new LintConfigError(`Cannot read ${file}: ${error instanceof Error ? error.message : error}`);
  }
  const { config, disabled, rulePaths } = parseLintConfig(content, file);
  const customRules: LintRule[] = [];
  for (const path of rulePaths) customRules.push(...(await importRules(resolve(dirname(file), path))));
  return { config, disabled, customRules };
}

/** Refuses a configuration that names a rule that does not exist (a typo would silently allow a breach). */
export function assertKnownRules(loaded: LoadedLintConfig, ruleIds: ReadonlySet<string>): void {
  const named = [
    ...loaded.config.exceptions.map((exception) => exception.rule),
    ...Object.keys(loaded.config.severities),
    ...loaded.disabled,
  ];
  const unknown = [...new Set(named.filter((id) => !ruleIds.has(id)))];
  if (unknown.length > 0) {
    throw new LintConfigError(
      `Unknown rule id(s) in the configuration: ${unknown.join(', ')} (known: ${[...ruleIds].join(', ')})`,
    );
  }
}
