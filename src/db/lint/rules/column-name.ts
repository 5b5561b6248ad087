import { isSnakeCase, quoteIdentifier, toSnakeCase } from '../naming.ts';
import type { LintRule } from '../types.ts';

/** Columns are snake_case: `display_name`, not `displayName`. */
export const columnName: LintRule = {
  id: 'column-name',
  description: 'Column names are snake_case (display_name, not displayName).',
  severity: 'error',
  check(catalog) {
    return catalog.tables.flatMap((table) =>
      table.columns
        .filter((column) => !isSnakeCase(column.name))
        .map((column) => ({
          table: table.qualifiedName,
          column: column.name,
          message: `column "${column.name}" is not snake_case`,
          fix: `ALTER TABLE ${quoteIdentifier(table.name)} RENAME COLUMN ${quoteIdentifier(column.name)} TO ${toSnakeCase(column.name)};`,
        })),
    );
  },
};
