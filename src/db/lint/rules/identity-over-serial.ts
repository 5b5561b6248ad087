import { quoteIdentifier } from '../naming.ts';
import type { LintRule } from '../types.ts';

/** `serial` is a legacy shorthand; `GENERATED ALWAYS AS IDENTITY` is the standard form. */
export const identityOverSerial: LintRule = {
  id: 'identity-over-serial',
  description:
    'No serial/bigserial columns: use GENERATED ALWAYS AS IDENTITY (standard SQL, the sequence belongs to the column, no stray grants).',
  severity: 'error',
  check(catalog) {
    return catalog.tables.flatMap((table) =>
      table.columns
        .filter((column) => column.serialSequence !== null)
        .map((column) => {
          const name = quoteIdentifier(table.name);
          const columnName = quoteIdentifier(column.name);
          return {
            table: table.qualifiedName,
            column: column.name,
            message: `column "${column.name}" is a serial (default ${column.default})`,
            fix: `ALTER TABLE ${name} ALTER COLUMN ${columnName} DROP DEFAULT; DROP SEQUENCE ${column.serialSequence}; ALTER TABLE ${name} ALTER COLUMN ${columnName} ADD GENERATED ALWAYS AS IDENTITY; (then setval() the new sequence past max(${columnName}))`,
          };
        }),
    );
  },
};
