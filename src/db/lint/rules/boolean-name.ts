import { quoteIdentifier } from '../naming.ts';
import type { LintRule } from '../types.ts';

const PREFIX = /^(is|has)_/;

/** Boolean columns read as a question: `is_active`, `has_avatar`. */
export const booleanName: LintRule = {
  id: 'boolean-name',
  description: 'Boolean columns start with is_ or has_ (is_active, has_avatar).',
  severity: 'error',
  check(catalog) {
    return catalog.tables.flatMap((table) =>
      table.columns
        .filter((column) => column.baseType === 'boolean' && !PREFIX.test(column.name))
        .map((column) => ({
          table: table.qualifiedName,
          column: column.name,
          message: `boolean column "${column.name}" does not start with is_ or has_`,
          fix: `ALTER TABLE ${quoteIdentifier(table.name)} RENAME COLUMN ${quoteIdentifier(column.name)} TO is_${column.name.replace(/^(is|has)/, '').replace(/^_/, '')};`,
        })),
    );
  },
};
