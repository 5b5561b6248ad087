import { singularOf } from '../naming.ts';
import type { LintRule } from '../types.ts';

/** A foreign key column is named after the table it references: `user_id` -> `users(id)`. */
export const foreignKeyName: LintRule = {
  id: 'foreign-key-name',
  description:
    'A foreign key column is <singular of the referenced table>_id (user_id references users(id)); a role name (author_id) needs an exception.',
  severity: 'warning',
  check(catalog, config) {
    return catalog.tables.flatMap((table) =>
      table.constraints.flatMap((constraint) => {
        const target = constraint.references;
        const [column] = constraint.columns;
        if (constraint.kind !== 'foreign key' || target === null || constraint.columns.length !== 1)
          return [];
        if (column === undefined || !column.endsWith('_id')) return [];
        const targetName = target.table.slice(target.table.indexOf('.') + 1);
        const expected = `${singularOf(targetName, config)}_id`;
        if (column === expected) return [];
        return [
          {
            table: table.qualifiedName,
            column,
            constraint: constraint.name,
            message: `foreign key column "${column}" references ${target.table}(id); the convention names it ${expected}`,
            fix: `rename it to ${expected}, or, if it names a role (author_id, parent_id), add an exception with the reason`,
          },
        ];
      }),
    );
  },
};
