import { isPlural, isSnakeCase, pluralOf, quoteIdentifier, toSnakeCase } from '../naming.ts';
import type { LintRule } from '../types.ts';

/** Tables are plural snake_case: `users`, `refresh_tokens`. */
export const tableName: LintRule = {
  id: 'table-name',
  description: 'Table names are plural snake_case (users, refresh_tokens).',
  severity: 'error',
  check(catalog, config) {
    return catalog.tables.flatMap((table) => {
      const snake = isSnakeCase(table.name);
      if (snake && isPlural(table.name, config)) return [];
      const expected = pluralOf(snake ? table.name : toSnakeCase(table.name), config);
      return [
        {
          table: table.qualifiedName,
          message: snake
            ? `table "${table.name}" is singular; table names are plural`
            : `table "${table.name}" is not snake_case`,
          fix: `ALTER TABLE ${quoteIdentifier(table.name)} RENAME TO ${expected}; (or, if "${table.name}" is already plural, add it to "plurals" in the config)`,
        },
      ];
    });
  },
};
