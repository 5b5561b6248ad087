import pluralize from 'pluralize';
import type { CatalogTable } from './catalog.ts';
import type { LintConfig } from './types.ts';

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1). */
const MAX_IDENTIFIER = 63;

/** Returns whether a name is lower snake_case: `refresh_tokens`, `is_active`, `v2_items`. */
export function isSnakeCase(name: string): boolean {
  return SNAKE_CASE.test(name);
}

/** Lower snake_case of any name (`UserProfiles` -> `user_profiles`, `first-name` -> `first_name`). */
export function toSnakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

function splitLast(name: string): [string, string] {
  const at = name.lastIndexOf('_');
  return at === -1 ? ['', name] : [name.slice(0, at + 1), name.slice(at + 1)];
}

/** Whether a snake_case name is plural: its last word is (`refresh_tokens`, `people`, `news`). */
export function isPlural(name: string, config: LintConfig): boolean {
  const [, last] = splitLast(name);
  const configured = Object.entries(config.plurals);
  if (configured.some(([, plural]) => plural === last)) return true;
  if (configured.some(([singular]) => singular === last)) return false;
  return pluralize.isPlural(last);
}

/** The plural of a snake_case name, by its last word (`refresh_token` -> `refresh_tokens`). */
export function pluralOf(name: string, config: LintConfig): string {
  const [head, last] = splitLast(name);
  return head + (config.plurals[last] ?? pluralize.plural(last));
}

/** The singular of a snake_case name, by its last word (`audit_logs` -> `audit_log`). */
export function singularOf(name: string, config: LintConfig): string {
  const [head, last] = splitLast(name);
  const configured = Object.entries(config.plurals).find(([, plural]) => plural === last);
  return head + (configured ? configured[0] : pluralize.singular(last));
}

/** Whether an object's name is the expected one, allowing for PostgreSQL's 63-byte truncation. */
export function nameMatches(actual: string, expected: string): boolean {
  if (actual === expected) return true;
  return Buffer.byteLength(expected) > MAX_IDENTIFIER && actual === expected.slice(0, MAX_IDENTIFIER);
}

/**
 * Whether a name follows `<table>_<columns>_<suffix>`: exactly so for one column; for several, the
 * full list or any name that starts with `<table>_<first column>_` and ends with `_<suffix>`.
 */
export function followsNamePattern(
  actual: string,
  table: string,
  columns: readonly (string | null)[],
  suffix: string,
): boolean {
  const known = columns.filter((column): column is string => column !== null);
  if (known.length === 0) return actual.startsWith(`${table}_`) && actual.endsWith(`_${suffix}`);
  if (nameMatches(actual, [table, ...known, suffix].join('_'))) return true;
  if (columns.length === 1) return false;
  return actual.startsWith(`${table}_${known[0]}_`) && actual.endsWith(`_${suffix}`);
}

/** The name a convention expects: `<table>_<col1>[_<col2>…]_<suffix>`, truncated as PostgreSQL would. */
export function expectedName(table: string, columns: readonly (string | null)[], suffix: string): string {
  const known = columns.filter((column): column is string => column !== null);
  return [table, ...(known.length > 0 ? known : ['expression']), suffix].join('_').slice(0, MAX_IDENTIFIER);
}

/** Whether a table's rows never leave the database (named internal in the configuration). */
export function isInternal(table: CatalogTable, config: LintConfig): boolean {
  return config.internalTables.has(table.qualifiedName);
}

/** Whether a predicate (as PostgreSQL prints it) keeps only live rows. */
export function isLiveRowsPredicate(predicate: string | null): boolean {
  return predicate !== null && /\bdeleted_at IS NULL\b/.test(predicate) && !/\bOR\b/i.test(predicate);
}

/** Whether a table is soft-deleted: it has a `deleted_at` column. */
export function isSoftDeleted(table: CatalogTable): boolean {
  return table.columns.some((column) => column.name === 'deleted_at');
}

/** A SQL identifier as it must be written: bare when snake_case, double-quoted otherwise. */
export function quoteIdentifier(name: string): string {
  return isSnakeCase(name) ? name : `"${name.replaceAll('"', '""')}"`;
}
