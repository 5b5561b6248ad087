import { quoteIdentifier } from '../naming.ts';
import type { LintRule } from '../types.ts';

const WITHOUT_TIME_ZONE = /^timestamp(\(\d+\))? without time zone/;

/** `timestamp without time zone` stores a wall-clock time with no zone: use `timestamptz`. */
export const timestampTimeZone: LintRule = {
  id: 'timestamp-time-zone',
  description: 'No timestamp without time zone anywhere: every point in time is timestamptz.',
  severity: 'error',
  check(catalog) {
    return catalog.tables.flatMap((table) =>
      table.columns
        .filter((column) => WITHOUT_TIME_ZONE.test(column.baseType))
        .map((column) => ({
          table: table.qualifiedName,
          column: column.name,
          message: `column "${column.name}" is ${column.type}`,
          fix: `ALTER TABLE ${quoteIdentifier(table.name)} ALTER COLUMN ${quoteIdentifier(column.name)} TYPE timestamptz${column.baseType.endsWith('[]') ? '[]' : ''} USING ${quoteIdentifier(column.name)} AT TIME ZONE 'UTC';`,
        })),
    );
  },
};
