import { isInternal, quoteIdentifier } from '../naming.ts';
import type { LintRule } from '../types.ts';

/**
 * Every table has a primary key; on public tables it is one `id uuid` column (a ULID is stored as
 * uuid too). Identity keys are for internal tables only.
 */
export const primaryKey: LintRule = {
  id: 'primary-key',
  description:
    'Every table has a primary key; public tables use one uuid column named id (UUID or ULID stored as uuid); identity/serial keys only on tables the config names internal.',
  severity: 'error',
  check(catalog, config) {
    return catalog.tables.flatMap((table) => {
      const key = table.constraints.find((constraint) => constraint.kind === 'primary key');
      const name = quoteIdentifier(table.name);
      if (key === undefined) {
        return [
          {
            table: table.qualifiedName,
            message: 'table has no primary key',
            fix: `ALTER TABLE ${name} ADD COLUMN id uuid PRIMARY KEY DEFAULT gen_random_uuid();`,
          },
        ];
      }
      const [columnName] = key.columns;
      const column = table.columns.find((candidate) => candidate.name === columnName);
      if (key.columns.length !== 1 || column === undefined) {
        if (isInternal(table, config)) return [];
        return [
          {
            table: table.qualifiedName,
            constraint: key.name,
            message: `primary key is composite (${key.columns.join(', ')}); public tables have one id column`,
            fix: `add id uuid PRIMARY KEY DEFAULT gen_random_uuid() and keep (${key.columns.join(', ')}) as a unique constraint`,
          },
        ];
      }
      if (column.baseType === 'uuid') {
        if (column.name === 'id') return [];
        return [
          {
            table: table.qualifiedName,
            column: column.name,
            constraint: key.name,
            message: `primary key column is "${column.name}", not id`,
            fix: `ALTER TABLE ${name} RENAME COLUMN ${quoteIdentifier(column.name)} TO id;`,
          },
        ];
      }
      if (isInternal(table, config)) return [];
      return [
        {
          table: table.qualifiedName,
          column: column.name,
          constraint: key.name,
          message: `primary key "${column.name}" is ${column.type}; public tables use uuid (sequential ids leak counts and invite enumeration)`,
          fix: `use id uuid PRIMARY KEY DEFAULT gen_random_uuid(), or, if the table never leaves the database, name it in "internalTables" of the config with the reason`,
        },
      ];
    });
  },
};
